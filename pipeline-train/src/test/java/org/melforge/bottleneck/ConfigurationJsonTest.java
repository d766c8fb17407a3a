package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.melforge.DoublePrecision;
import org.melforge.model.layers.AuxiliaryLoss;
import org.melforge.model.layers.BilinearUpsample;
import org.melforge.model.layers.ChannelSlice;
import org.melforge.model.layers.MeanSquaredErrorLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Every custom layer and vertex survives a JSON round trip of the graph configuration. */
@ExtendWith(DoublePrecision.class)
class ConfigurationJsonTest {

  static final int D = 2;
  static final int H = 2;
  static final int W = 3;
  static final int L = 3;

  static ComputationGraphConfiguration conf() {
    return new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
        .updater(new Adam(1e-3)).graphBuilder().addInputs("img", "post")
        .setInputTypes(InputType.convolutional(H, W, D), InputType.feedForward(3 * L))
        .addLayer("vqLoss", new VectorQuantizer(4, D, 0.25, VectorQuantizer.Update.LOSS,
            0.99, 1e-5, 2.0, H, W), "img")
        .addLayer("vqEma", new VectorQuantizer(5, D, 0.5, VectorQuantizer.Update.EMA,
            0.9, 1e-3, 1.5, H, W), "img")
        .addVertex("q", ChannelSlice.range(0, D), "vqLoss")
        .addLayer("up", new BilinearUpsample(D, H, W), "q")
        .addLayer("recon", new MeanSquaredErrorLoss(), "up")
        .addVertex("commit", ChannelSlice.range(D, 1), "vqEma")
        .addLayer("aux", new AuxiliaryLoss(), "commit")
        .addLayer("z", new GaussianBottleneck(L), "post")
        .addVertex("zs", ChannelSlice.range(0, L), "z")
        .addVertex("stats", ChannelSlice.range(L, 2 * L), "z")
        .addLayer("reconZ", new MeanSquaredErrorLoss(), "zs")
        .addLayer("kl", new KlFreeBitsLoss(L, 0.05), "stats")
        .setOutputs("recon", "aux", "reconZ", "kl").build();
  }

  private static Object layer(ComputationGraphConfiguration c, String name) {
    GraphVertex v = c.getVertices().get(name);
    return v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : v;
  }

  @Test
  void roundTripKeepsConfigurationAndOutputs() {
    ComputationGraphConfiguration conf = conf();
    String json = conf.toJson();
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
    assertEquals(json, back.toJson());
    // the configuration classes compare only DL4J's fields, so check that ours are in the JSON
    for (String field : new String[] {"numEmbeddings", "embeddingDim", "commitmentCost", "update",
        "decay", "epsilon", "deadCodeThreshold", "height", "width", "latentDim", "freeBits",
        "channels", "from", "to"}) {
      org.junit.jupiter.api.Assertions.assertTrue(json.contains("\"" + field + "\""), field);
    }
    assertEquals(conf, back);

    VectorQuantizer vqLoss = assertInstanceOf(VectorQuantizer.class, layer(back, "vqLoss"));
    assertEquals(4, vqLoss.numEmbeddings());
    assertEquals(D, vqLoss.embeddingDim());
    assertEquals(VectorQuantizer.Update.LOSS, vqLoss.update());
    VectorQuantizer vqEma = assertInstanceOf(VectorQuantizer.class, layer(back, "vqEma"));
    assertEquals(5, vqEma.numEmbeddings());
    assertEquals(VectorQuantizer.Update.EMA, vqEma.update());
    assertEquals(new EmaCodebook(0.9, 1e-3, 1.5), vqEma.ema());
    assertEquals(L, assertInstanceOf(GaussianBottleneck.class, layer(back, "z")).latentDim());
    assertInstanceOf(BilinearUpsample.class, layer(back, "up"));
    assertInstanceOf(MeanSquaredErrorLoss.class, layer(back, "recon"));
    assertInstanceOf(AuxiliaryLoss.class, layer(back, "aux"));
    assertInstanceOf(KlFreeBitsLoss.class, layer(back, "kl"));
    ChannelSlice stats = assertInstanceOf(ChannelSlice.class, layer(back, "stats"));
    assertEquals(L, stats.getFrom());
    assertEquals(3 * L - 1, stats.getTo());

    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    ComputationGraph g2 = new ComputationGraph(back);
    g2.init(g.params().dup(), true);
    INDArray img = Nd4j.rand(DataType.DOUBLE, 2, D, H, W).subi(0.5);
    INDArray post = Nd4j.rand(DataType.DOUBLE, 2, 3 * L);
    Map<String, INDArray> a = g.feedForward(new INDArray[] {img, post}, false);
    Map<String, INDArray> b = g2.feedForward(new INDArray[] {img, post}, false);
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertEquals(a.get(k), b.get(k), k);
    }
    INDArray[] labels = {Nd4j.rand(DataType.DOUBLE, 2, D, 2 * H, 2 * W),
        Nd4j.zeros(DataType.DOUBLE, 2, 1, H, W), Nd4j.rand(DataType.DOUBLE, 2, L),
        Nd4j.valueArrayOf(new long[] {2, 1}, 0.3, DataType.DOUBLE)};
    org.nd4j.linalg.dataset.MultiDataSet data = new org.nd4j.linalg.dataset.MultiDataSet(
        new INDArray[] {img, post}, labels);
    assertEquals(g.score(data), g2.score(data), 0.0);
  }
}
