package org.melforge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.melforge.bottleneck.VectorQuantizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a checkpoint and a Spark worker rebuild a model from gives back the same model, for every
 * tiny preset: (a) the configuration JSON plus the parameters give identical outputs; (b) a
 * {@code ModelSerializer} zip written with its updater restores identical outputs, identical
 * parameters and updater state, and the same next training step (same parameters after one more
 * step on the same batch); (c) the EMA quantizer state (codebook, cluster sizes, embedding sums)
 * is part of the parameters and survives; (d) {@code decode(encode(x))} equals the reconstruction
 * through the whole graph.
 */
class ModelRoundTripTest {

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"vqvae-80x128-tiny", "vqvae-128x320-tiny", "auddsr-tiny", "timbre-vae-tiny",
      "bsq-cnn-80x128-tiny", "bsq-cnn-128x320-tiny"})
  void modelsSurviveJsonAndZipRoundTrips(String preset) throws Exception {
    ModelSpec spec = TinyPresets.spec(preset);
    TokenizerModel model = TokenizerModel.create(spec, 1e-3, 11);
    INDArray x = TinyPresets.spectrograms(2, spec.nMels(), spec.nFrames(), 21);
    for (int step = 0; step < 2; step++) {
      model.graph().fit(model.batch(x, step, new Random(step)));
    }
    ComputationGraph graph = model.graph();
    INDArray[] in = model.evaluationBatch(x, 2).getFeatures();
    INDArray expected = graph.output(in)[0];

    // (a) configuration JSON, what Spark workers rebuild from
    ComputationGraph fromJson = new ComputationGraph(
        ComputationGraphConfiguration.fromJson(graph.getConfiguration().toJson()));
    fromJson.init(graph.params().dup(), true);
    assertEquals(graph.getConfiguration().toJson(), fromJson.getConfiguration().toJson());
    assertEquals(expected, fromJson.output(in)[0], "outputs after the JSON round trip");

    // (b) model zip with updater
    File zip = tmp.resolve(preset + ".zip").toFile();
    ModelSerializer.writeModel(graph, zip, true);
    ComputationGraph restored = ModelSerializer.restoreComputationGraph(zip, true);
    assertEquals(graph.params(), restored.params());
    assertEquals(graph.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray(),
        "Adam state restored");
    assertEquals(graph.getConfiguration().getIterationCount(),
        restored.getConfiguration().getIterationCount());
    assertEquals(expected, restored.output(in)[0], "outputs after the zip round trip");

    // (c) EMA quantizer state
    for (String name : model.bottlenecks()) {
      if (model.bottleneck(name) instanceof VectorQuantizer q) {
        Map<String, INDArray> before = graph.getLayer(name).paramTable();
        Map<String, INDArray> after = restored.getLayer(name).paramTable();
        for (String p : new String[] {VectorQuantizer.CODEBOOK, VectorQuantizer.CLUSTER_SIZE,
            VectorQuantizer.EMBED_SUM}) {
          assertEquals(before.get(p), after.get(p), name + "." + p + " restored");
        }
        assertTrue(before.get(VectorQuantizer.CLUSTER_SIZE).sumNumber().doubleValue() > 0);
        assertEquals(VectorQuantizer.Update.EMA, q.update());
      }
    }

    // the same next step: parameters (EMA state included) and updater state stay equal
    TokenizerModel other = TokenizerModel.wrap(spec, restored);
    graph.fit(model.batch(x, 2, new Random(99)));
    restored.fit(other.batch(x, 2, new Random(99)));
    assertEquals(graph.params(), restored.params(), "parameters after one more step");
    assertEquals(graph.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());

  }

  /**
   * (d) {@code decode(encode(x))} equals {@code reconstruct(x)}, and the reconstruction vertex of
   * {@code feedForward} equals {@code output()}. This found two bugs (differences of 0.13-0.33):
   * DL4J's {@code setParams} reshapes a flat vector in 'f' order, scrambling the convolution
   * weights copied into the decoder graph (now copied parameter by parameter), and DL4J's
   * {@code ActivationLayer} applies ReLU in place at inference, so the residual sum read
   * {@code relu(x)} for {@code x} (now {@link org.melforge.model.layers.Relu}).
   */
  @ParameterizedTest
  @ValueSource(strings = {"vqvae-80x128-tiny", "vqvae-128x320-tiny", "auddsr-tiny", "timbre-vae-tiny",
      "bsq-cnn-80x128-tiny", "bsq-cnn-128x320-tiny"})
  void decodeOfEncodeIsTheReconstruction(String preset) throws Exception {
    ModelSpec spec = TinyPresets.spec(preset);
    TokenizerModel model = TokenizerModel.create(spec, 1e-3, 11);
    INDArray x = TinyPresets.spectrograms(2, spec.nMels(), spec.nFrames(), 21);
    for (int step = 0; step < 2; step++) {
      model.graph().fit(model.batch(x, step, new Random(step)));
    }
    INDArray reconstruction = model.reconstruct(x);
    Map<String, INDArray> codes = model.encode(x);
    INDArray decoded = model.decode(codes);
    assertEquals(reconstruction.shapeInfoToString(), decoded.shapeInfoToString());
    double err = reconstruction.sub(decoded).amaxNumber().doubleValue();
    INDArray again = model.reconstruct(x);
    INDArray ff = model.activations(model.evaluationBatch(x, 0)).get(model.reconstructionVertex());
    assertTrue(err < 1e-5 && ff.sub(reconstruction).amaxNumber().doubleValue() == 0, preset + ": decode(encode(x)) differs from reconstruct(x) by " + err
        + "; reconstruct twice differs by " + reconstruction.sub(again).amaxNumber()
        + "; feedForward vs reconstruct " + ff.sub(reconstruction).amaxNumber()
        + "; feedForward vs decode " + ff.sub(decoded).amaxNumber());
    File zip = tmp.resolve(preset + "-codes.zip").toFile();
    ModelSerializer.writeModel(model.graph(), zip, true);
    TokenizerModel restored = TokenizerModel.wrap(spec, ModelSerializer.restoreComputationGraph(zip, true));
    assertEquals(codes, restored.encode(x), "the restored model encodes to the same codes");
    assertEquals(decoded, restored.decode(codes), "and decodes them to the same reconstruction");
  }
}
