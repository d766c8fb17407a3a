package org.melforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.checkpoint.Checkpoints;
import org.melforge.model.TokenizerModel;
import org.melforge.tensorstore.Npy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checkpoints written by older versions stay usable: each folder under
 * {@code src/test/resources/checkpoints/v1/} is a real checkpoint of the train job (format 1,
 * written by the commit in its {@code checkpoint.json}) frozen with the reconstruction it gave then
 * ({@link CheckpointFixtures}). The current code must read its metadata, rebuild the model from
 * its JSON and parameters, reproduce that reconstruction, and continue training from it.
 */
class OlderCheckpointsTest {

  @ParameterizedTest
  @ValueSource(strings = {"auddsr-tiny", "timbre-vae-tiny"})
  void formatOneCheckpointsLoadAndReproduceTheirOutputs(String preset) throws Exception {
    Path dir = fixture(preset);
    Checkpoint r = Checkpoints.read(new org.apache.hadoop.fs.Path(dir.toUri()),
        new Configuration());
    assertEquals(1, r.info().formatVersion());
    assertEquals(preset, r.info().model().preset());
    assertEquals(1, r.info().epoch());
    TokenizerModel model = TokenizerModel.wrap(r.info().model(), r.graph());
    INDArray x = read(dir.resolve("input.npy"));
    INDArray expected = read(dir.resolve("reconstruction.npy"));
    INDArray actual = model.reconstruct(x);
    assertEquals(expected.shapeInfoToString(), actual.shapeInfoToString());
    double diff = actual.sub(expected).amaxNumber().doubleValue();
    assertTrue(diff < 1e-5, preset + ": reconstruction differs from the frozen one by " + diff);
    long step = model.iterations();
    assertEquals(r.info().globalStep(), step);
    model.graph().fit(model.batch(x, step, new Random(1)));
    assertEquals(step + 1, model.iterations());
  }

  private static Path fixture(String preset) throws Exception {
    URL url = OlderCheckpointsTest.class.getResource("/checkpoints/v1/" + preset + "/checkpoint.json");
    return Path.of(url.toURI()).getParent();
  }

  private static INDArray read(Path file) throws Exception {
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      Npy.Array a = Npy.read(in);
      long[] shape = java.util.Arrays.stream(a.shape()).asLongStream().toArray();
      return Nd4j.createFromArray(a.data()).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
          .reshape(shape);
    }
  }
}
