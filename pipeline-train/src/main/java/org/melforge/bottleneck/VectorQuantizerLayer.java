package org.melforge.bottleneck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.melforge.model.layers.StepObserver;
import org.melforge.model.layers.nd4j.SameDiffLayerRuntime;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link VectorQuantizer}: the forward and backward passes of the layer's SameDiff
 * definition, written out with ND4J ops. The SameDiff graph ({@link VectorQuantizer#defineLayer})
 * is the reference it must equal (see {@code VectorQuantizerLayerTest}); computing it directly
 * avoids running the graph a second time in backpropagation, the one-hot product for the code
 * lookup and the gradients of the stop-gradient branches, which made the quantizer the most
 * expensive layer of the VQ models.
 *
 * <p>In EMA mode the layer is a {@link StatefulLayer}: a training forward pass records which code
 * each position took ({@link CodeStatistics}); once backpropagation through the layer is done, the
 * statistics go to the JVM's {@link StateHook}, which applies them here or merges them with those
 * of other steps and workers first ({@link #applyStatistics}: EMA update plus dead-code revival).
 * K-means initialisation of the codebook is {@link #initialize}. Training activations go to the
 * JVM's {@link StepObserver}, if any.
 */
public class VectorQuantizerLayer extends SameDiffLayerRuntime implements StatefulLayer {

  private static final int KMEANS_ITERATIONS = 50;

  private CodeStatistics pending;
  private long lastRevived;
  private INDArray residual;
  private INDArray indices;

  /**
   * @param conf the layer's configuration
   * @param dataType the network's data type
   */
  public VectorQuantizerLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private VectorQuantizer quantizer() {
    return (VectorQuantizer) layerConf();
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    VectorQuantizer vq = quantizer();
    if (training && vq.update() == VectorQuantizer.Update.EMA) {
      StateHook.active().beforeTraining(this);
    }
    int d = vq.embeddingDim();
    long[] s = input.shape();
    INDArray z = Codebooks.rows(input);
    INDArray e = paramTable.get(VectorQuantizer.CODEBOOK);
    INDArray idx = Nd4j.argMin(Codebooks.squaredDistances(z, e), 1);
    INDArray q = Nd4j.pullRows(e, 1, idx.toIntVector());
    INDArray diff = q.sub(z);
    INDArray rows = Nd4j.createUninitialized(z.dataType(), z.rows(), d + 2);
    rows.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).assign(z.add(diff));
    INDArray sq = diff.mul(diff).sum(true, 1);
    INDArray loss = sq.mul(vq.commitmentCost());
    if (vq.update() == VectorQuantizer.Update.LOSS) {
      loss.addi(sq);
    }
    rows.get(NDArrayIndex.all(), NDArrayIndex.point(d)).assign(loss.divi(d).reshape(-1));
    rows.get(NDArrayIndex.all(), NDArrayIndex.point(d + 1)).assign(idx);
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
        new long[] {s[0], d + 2, s[2], s[3]}, 'c');
    out.assign(rows.reshape(s[0], s[2], s[3], d + 2).permute(0, 3, 1, 2));
    residual = training ? workspaceMgr.dup(ArrayType.ACTIVATIONS, diff) : null;
    indices = training ? workspaceMgr.dup(ArrayType.ACTIVATIONS, idx) : null;
    if (training && vq.update() == VectorQuantizer.Update.EMA) {
      try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        pending = CodeStatistics.of(z.detach(), idx.toLongVector(), vq.numEmbeddings());
      }
    }
    if (training) {
      StepObserver.active().ifPresent(o -> o.observe(vq.getLayerName(), out));
    }
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    if (residual == null) {
      try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        activate(true, LayerWorkspaceMgr.noWorkspaces());
      }
    }
    VectorQuantizer vq = quantizer();
    int d = vq.embeddingDim();
    long[] s = input.shape();
    INDArray g = Codebooks.rows(epsilon);
    INDArray gLoss = g.get(NDArrayIndex.all(), NDArrayIndex.interval(d, d + 1));
    INDArray dz = g.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).dup('c');
    dz.subi(residual.mulColumnVector(gLoss.mul(2.0 * vq.commitmentCost() / d)));
    Gradient gradient = new DefaultGradient();
    for (String name : paramTable.keySet()) {
      INDArray view = gradTable.get(name);
      view.assign(0);
      gradient.setGradientFor(name, view);
    }
    if (vq.update() == VectorQuantizer.Update.LOSS) {
      INDArray perCode = residual.mulColumnVector(gLoss.mul(2.0 / d));
      INDArray oneHot = Nd4j.zeros(perCode.dataType(), perCode.rows(), vq.numEmbeddings());
      long[] idx = indices.toLongVector();
      for (int i = 0; i < idx.length; i++) {
        oneHot.putScalar(i, idx[i], 1.0);
      }
      gradTable.get(VectorQuantizer.CODEBOOK).assign(oneHot.transpose().mmul(perCode));
    }
    INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), s, 'c');
    epsOut.assign(dz.reshape(s[0], s[2], s[3], d).permute(0, 3, 1, 2));
    residual = null;
    indices = null;
    if (pending != null) {
      CodeStatistics stats = pending;
      pending = null;
      StateHook.active().statistics(this, stats, getIterationCount());
    }
    return new Pair<>(gradient, epsOut);
  }

  @Override
  public void clear() {
    super.clear();
    residual = null;
    indices = null;
  }

  @Override
  public String stateName() {
    return quantizer().getLayerName();
  }

  /** Codebook, EMA cluster sizes and sums in EMA mode; nothing in loss mode (Adam trains it). */
  @Override
  public Map<String, INDArray> state() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    if (quantizer().update() == VectorQuantizer.Update.EMA) {
      try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        paramTable.forEach((name, value) -> out.put(name, value.dup()));
      }
    }
    return out;
  }

  @Override
  public void setState(Map<String, INDArray> state) {
    state.forEach((name, value) -> getParam(name).assign(value));
  }

  /**
   * Applies the EMA update and dead-code revival for {@code stats} merged over {@code steps}
   * steps ({@link EmaCodebook#update}); the graph's seed ({@code train.seed}), {@code step} and
   * the layer's index seed the choice of revival candidates.
   */
  @Override
  public long applyStatistics(StateStatistics stats, int steps, long step) {
    long seed = (conf().getSeed() * 1_000_003L + step) * 1_000_003L + getIndex();
    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      lastRevived = quantizer().ema().update(paramTable.get(VectorQuantizer.CODEBOOK),
          paramTable.get(VectorQuantizer.CLUSTER_SIZE), paramTable.get(VectorQuantizer.EMBED_SUM),
          (CodeStatistics) stats, steps, seed);
    }
    return lastRevived;
  }

  /** Codes revived by the last applied update. */
  @Override
  public long lastRevived() {
    return lastRevived;
  }

  /**
   * K-means of the encoder outputs in {@code inputs} (one array per batch, as the layer receives
   * them) into the codebook. In EMA mode the cluster sizes become the members per batch and the
   * sums center x size, the EMA's steady state for that assignment; a center without members gets
   * size 0 and is revived at the first step.
   */
  @Override
  public String initialize(List<INDArray> inputs, long seed) {
    VectorQuantizer vq = quantizer();
    List<INDArray> rows = new ArrayList<>();
    inputs.forEach(x -> rows.add(Codebooks.rows(x)));
    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      KMeans km = KMeans.fit(Nd4j.vstack(rows.toArray(INDArray[]::new)), vq.numEmbeddings(),
          KMEANS_ITERATIONS, seed);
      paramTable.get(VectorQuantizer.CODEBOOK).assign(km.centers());
      if (vq.update() == VectorQuantizer.Update.EMA) {
        INDArray size = Nd4j.createFromArray(km.counts()).castTo(km.centers().dataType())
            .divi(inputs.size()).reshape(1, vq.numEmbeddings());
        paramTable.get(VectorQuantizer.CLUSTER_SIZE).assign(size);
        paramTable.get(VectorQuantizer.EMBED_SUM)
            .assign(km.centers().mulColumnVector(size.reshape(-1, 1)));
      }
      return String.format("k-means codebook from %d vectors (%d rounds, %s)",
          rows.stream().mapToLong(INDArray::rows).sum(), km.rounds(),
          km.converged() ? "converged" : "stopped before convergence");
    }
  }
}
