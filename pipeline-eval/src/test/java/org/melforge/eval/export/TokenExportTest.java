package org.melforge.eval.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.config.ConfigLoader;
import org.melforge.eval.job.EvalFixtures;
import org.melforge.model.TokenizerModel;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Token export of every family: each example once, and the exported codes (or posterior means)
 * decoded by the model give the model's own reconstruction of the example.
 */
class TokenExportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"vqvae-80x128-tiny", "auddsr-tiny", "timbre-vae-tiny"})
  void exportedTokensDecodeToTheModelsReconstruction(String preset) throws Exception {
    EvalFixtures fx = EvalFixtures.get();
    checkExport(fx, preset, fx.run(preset), fx.table(preset));
  }

  /** Binary codes (BSQ-CNN) are exported as their L-bit integers and decode the same way. */
  @Test
  void binaryCodesAreExportedAsTheirIntegers() throws Exception {
    EvalFixtures fx = EvalFixtures.get();
    String preset = "bsq-cnn-80x128-tiny";
    String nsynth = fx.table("vqvae-80x128-tiny");
    Path run = fx.train(preset, nsynth, fx.root().resolve("runs").resolve(preset));
    checkExport(fx, preset, run, nsynth);
  }

  private static void checkExport(EvalFixtures fx, String preset, Path run, String tablePath)
      throws Exception {
    Path output = fx.root().resolve("export").resolve(preset);
    ExportOptions options = ExportOptions.from(ConfigLoader.load(null, List.of(
        "export.checkpoint=\"" + run + "\"", "export.table=\"" + tablePath + "\"",
        "export.output=\"" + output + "\"", "export.batch-size=3", "export.overwrite=true")));
    ExportResult result = new TokenExport(fx.spark(), options).execute();

    List<Row> table = fx.spark().read().parquet(tablePath).collectAsList();
    List<Row> tokens = fx.spark().read().parquet(output.toString()).collectAsList();
    assertEquals(table.size(), tokens.size(), "every split, each example once");
    assertEquals(table.size(), result.examples());
    JsonNode description = JSON.readTree(Files.readString(output.resolve("_export.json")));
    Map<String, Row> byId = new HashMap<>();
    table.forEach(r -> byId.put(r.getAs(TensorTable.ID), r));
    TokenizerModel model = Checkpoint.open(run.toString(),
        fx.spark().sparkContext().hadoopConfiguration()).model();
    assertEquals(model.bottlenecks().size(), description.get("levels").size());
    for (Row t : tokens.subList(0, 4)) {
      Row source = byId.get(t.<String>getAs(TensorTable.ID));
      INDArray x = tensor(source);
      Map<String, INDArray> codes = new LinkedHashMap<>();
      for (JsonNode level : description.get("levels")) {
        String name = level.get("name").asText();
        long[] shape = JSON.treeToValue(level.get("shape"), long[].class);
        if (!level.get("kind").asText().equals("gaussian")) {
          List<Long> values = t.getList(t.fieldIndex(name + "_codes"));
          long[] v = values.stream().mapToLong(Long::longValue).toArray();
          codes.put(name, Nd4j.createFromArray(v).reshape(1, shape[0], shape[1]));
          assertArrayEquals(v, model.encode(x).get(name).dup().data().asLong(), name);
        } else {
          List<Float> mu = t.getList(t.fieldIndex(name + "_mu"));
          float[] m = new float[mu.size()];
          for (int i = 0; i < m.length; i++) {
            m[i] = mu.get(i);
          }
          codes.put(name, Nd4j.createFromArray(m).reshape(1, m.length));
          assertEquals(m.length, t.getList(t.fieldIndex(name + "_logvar")).size());
        }
      }
      INDArray decoded = model.decode(codes);
      INDArray direct = model.reconstruct(x);
      assertTrue(decoded.equalsWithEps(direct, 1e-4),
          "decoded tokens of " + source.getAs(TensorTable.ID) + " differ from the reconstruction");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vqvae-80x128-tiny"})
  void aNonEmptyOutputIsRefusedWithoutOverwrite(String preset) {
    EvalFixtures fx = EvalFixtures.get();
    Path output = fx.root().resolve("export").resolve("refused");
    String[] keys = {"export.checkpoint=\"" + fx.run(preset) + "\"",
        "export.table=\"" + fx.table(preset) + "\"", "export.output=\"" + output + "\""};
    new TokenExport(fx.spark(), ExportOptions.from(ConfigLoader.load(null, List.of(keys))))
        .execute();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        new TokenExport(fx.spark(), ExportOptions.from(ConfigLoader.load(null, List.of(keys))))
            .execute());
    assertTrue(e.getMessage().contains(output.toString()) && e.getMessage().contains("--overwrite"),
        e.getMessage());
  }

  private static INDArray tensor(Row r) {
    byte[] bytes = r.getAs(TensorTable.TENSOR);
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return Nd4j.create(v, new long[] {1, 1, r.<Integer>getAs(TensorTable.N_MELS),
        r.<Integer>getAs(TensorTable.N_FRAMES)}, 'c').castTo(DataType.FLOAT);
  }
}
