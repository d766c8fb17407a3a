package org.melforge.bottleneck;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.melforge.model.layers.SameDiffLayerRuntime;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link VectorQuantizer}. In EMA mode a training forward pass records which code each
 * position took ({@link CodeStatistics}); once backpropagation through the layer is done, the
 * statistics go to {@link #applyStatistics} (EMA update plus dead-code revival).
 */
public class VectorQuantizerLayer extends SameDiffLayerRuntime {

  private CodeStatistics pending;
  private long lastRevived;

  public VectorQuantizerLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private VectorQuantizer quantizer() {
    return (VectorQuantizer) layerConf();
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    INDArray out = super.activate(training, workspaceMgr);
    if (training && quantizer().update() == VectorQuantizer.Update.EMA) {
      try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        int d = quantizer().embeddingDim();
        INDArray codes = out.get(NDArrayIndex.all(), NDArrayIndex.point(d + 1), NDArrayIndex.all(),
            NDArrayIndex.all());
        long[] idx = codes.dup('c').castTo(DataType.LONG).reshape(-1).toLongVector();
        pending = CodeStatistics.of(Codebooks.rows(input.detach()), idx,
            quantizer().numEmbeddings());
      }
    }
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    Pair<Gradient, INDArray> result = super.backpropGradient(epsilon, mgr);
    if (pending != null) {
      applyStatistics(pending, getIterationCount());
      pending = null;
    }
    return result;
  }

  /**
   * Applies the EMA update and dead-code revival for {@code stats}; {@code step} seeds the choice
   * of revival candidates, so replicas applying the same statistics at the same step agree.
   */
  public void applyStatistics(CodeStatistics stats, long step) {
    try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      lastRevived = quantizer().ema().update(paramTable.get(VectorQuantizer.CODEBOOK),
          paramTable.get(VectorQuantizer.CLUSTER_SIZE), paramTable.get(VectorQuantizer.EMBED_SUM),
          stats, step * 1_000_003L + getIndex());
    }
  }

  /** Codes revived by the last applied update. */
  public long lastRevived() {
    return lastRevived;
  }
}
