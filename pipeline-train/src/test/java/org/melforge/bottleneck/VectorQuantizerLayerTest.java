package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.melforge.DoublePrecision;
import org.melforge.model.layers.AuxiliaryLoss;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.LayerRuntimes;
import org.melforge.model.layers.MeanSquaredErrorLoss;
import org.melforge.model.layers.nd4j.SameDiffLayerRuntime;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * {@link VectorQuantizerLayer} (hand-written forward and backward) against the quantizer's SameDiff
 * definition run by the plain {@link SameDiffLayerRuntime}: equal activations, score, gradients of
 * every parameter upstream (which carry the straight-through input gradient) and EMA state after a
 * training step (EMA mode: the EMA update applied to the reference by hand), in both update
 * modes, on a random batch with workspaces enabled.
 */
@ExtendWith(DoublePrecision.class)
class VectorQuantizerLayerTest {

  static final int D = 3;
  static final int K = 6;
  static final int H = 2;
  static final int W = 4;

  /** The same quantizer, run through SameDiff. */
  static class Reference extends VectorQuantizer {
    Reference() {}

    Reference(VectorQuantizer.Update update) {
      super(K, D, 0.25, update, 0.9, 1e-5, 0.5, H, W);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
        int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
      return LayerRuntimes.wire(new SameDiffLayerRuntime(conf, dataType), this, conf,
          listeners, layerIndex, paramsView, initializeParams);
    }
  }

  static ComputationGraph graph(VectorQuantizer vq) {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3)
        .dataType(DataType.DOUBLE).updater(new Sgd(0.1))
        .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED)
        .graphBuilder().addInputs("x").setInputTypes(InputType.convolutional(H, W, 2))
        .addLayer("enc", new ConvolutionLayer.Builder(1, 1).nOut(D).activation(Activation.TANH)
            .build(), "x")
        .addLayer("vq", vq, "enc")
        .addVertex("q", ChannelSlice.range(0, D), "vq")
        .addVertex("lossChannel", ChannelSlice.range(D, 1), "vq")
        .addLayer("dec", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.IDENTITY)
            .build(), "q")
        .addLayer("recon", new MeanSquaredErrorLoss(), "dec")
        .addLayer("aux", new AuxiliaryLoss(), "lossChannel")
        .setOutputs("recon", "aux").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    return g;
  }

  @ParameterizedTest
  @EnumSource(VectorQuantizer.Update.class)
  void equalsTheSameDiffDefinition(VectorQuantizer.Update update) {
    ComputationGraph ours = graph(new VectorQuantizer(K, D, 0.25, update, 0.9, 1e-5, 0.5, H, W));
    ComputationGraph reference = graph(new Reference(update));
    assertInstanceOf(VectorQuantizerLayer.class, ours.getLayer("vq"));
    Nd4j.getRandom().setSeed(5);
    INDArray codebook = ours.getLayer("vq").getParam(VectorQuantizer.CODEBOOK);
    codebook.assign(Nd4j.rand(DataType.DOUBLE, K, D).subi(0.5).muli(2));
    reference.setParams(ours.params());
    INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, H, W).subi(0.5).muli(4);
    MultiDataSet batch = new MultiDataSet(new INDArray[] {x},
        new INDArray[] {x, Nd4j.zeros(DataType.DOUBLE, 4, 1)});

    assertClose(reference.output(x)[0], ours.output(x)[0]);
    assertClose(reference.feedForward(x, false).get("vq"), ours.feedForward(x, false).get("vq"));
    ours.setInputs(x);
    ours.setLabels(batch.getLabels());
    ours.computeGradientAndScore();
    reference.setInputs(x);
    reference.setLabels(batch.getLabels());
    reference.computeGradientAndScore();
    assertEquals(reference.score(), ours.score(), 1e-12);
    for (String key : reference.gradient().gradientForVariable().keySet()) {
      assertClose(reference.gradient().getGradientFor(key), ours.gradient().getGradientFor(key));
    }
    assertTrue(ours.gradient().getGradientFor("enc_W").norm2Number().doubleValue() > 1e-3);
    if (update == VectorQuantizer.Update.EMA) {
      applyEma(reference, x);
    }
    assertClose(reference.params(), ours.params());
    if (update == VectorQuantizer.Update.LOSS) {
      ours.fit(batch);
      reference.fit(batch);
      assertClose(reference.params(), ours.params());
    }
  }

  /** The EMA step the reference runtime leaves out, applied to its parameters. */
  private static void applyEma(ComputationGraph reference, INDArray x) {
    Layer vq = reference.getLayer("vq");
    INDArray z = Codebooks.rows(reference.feedForward(x, false).get("enc"));
    INDArray codebook = vq.getParam(VectorQuantizer.CODEBOOK);
    CodeStatistics stats = CodeStatistics.of(z, Codebooks.nearest(z, codebook), K);
    ((VectorQuantizer) vq.conf().getLayer()).ema().update(codebook,
        vq.getParam(VectorQuantizer.CLUSTER_SIZE), vq.getParam(VectorQuantizer.EMBED_SUM), stats,
        vq.getIndex());
  }

  private static void assertClose(INDArray expected, INDArray actual) {
    assertEquals(expected.length(), actual.length());
    double diff = expected.reshape(-1).sub(actual.reshape(-1)).norm1Number().doubleValue();
    assertTrue(diff <= 1e-10 * Math.max(1, expected.norm1Number().doubleValue()),
        "differ by " + diff + ":\n" + expected + "\n" + actual);
  }
}
