package org.melforge.bottleneck;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.melforge.model.layers.nd4j.SameDiffLayerRuntime;
import org.melforge.sharing.WorkerRun;
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
 * <p>In EMA mode a training forward pass records which code each position took
 * ({@link CodeStatistics}); once backpropagation through the layer is done, the statistics go to
 * {@link #applyStatistics} (EMA update plus dead-code revival). When the JVM takes part in a
 * distributed run ({@link WorkerRun}), the layer reports its activations and hands its statistics
 * over to the run instead: the driver applies the merged statistics of all workers.
 */
public class VectorQuantizerLayer extends SameDiffLayerRuntime {

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
    WorkerRun run = training ? WorkerRun.current().orElse(null) : null;
    VectorQuantizer vq = quantizer();
    if (run != null && vq.update() == VectorQuantizer.Update.EMA) {
      run.training(this);
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
    if (run != null) {
      run.observe(vq.getLayerName(), out);
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
      WorkerRun run = WorkerRun.current().orElse(null);
      if (run != null) {
        run.handOver(quantizer().getLayerName(), pending);
      } else {
        applyStatistics(pending, 1, getIterationCount());
      }
      pending = null;
    }
    return new Pair<>(gradient, epsOut);
  }

  @Override
  public void clear() {
    super.clear();
    residual = null;
    indices = null;
  }

  /**
   * Applies the EMA update and dead-code revival for {@code stats} merged over {@code steps}
   * steps ({@link EmaCodebook#update}); {@code step} seeds the choice of revival candidates.
   */
  public void applyStatistics(CodeStatistics stats, int steps, long step) {
    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      lastRevived = quantizer().ema().update(paramTable.get(VectorQuantizer.CODEBOOK),
          paramTable.get(VectorQuantizer.CLUSTER_SIZE), paramTable.get(VectorQuantizer.EMBED_SUM),
          stats, steps, step * 1_000_003L + getIndex());
    }
  }

  /** Codes revived by the last applied update. */
  public long lastRevived() {
    return lastRevived;
  }
}
