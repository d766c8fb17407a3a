package org.melforge.tensorstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaRDDComparisons;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.spark.TestSpark;

class TensorTableTest {

  @TempDir
  Path tmp;

  private static Row row(String id, String dataset, String split, byte[] tensor, Integer pitch, Integer speaker) {
    return RowFactory.create(id, dataset, split, "file:/x/" + id, 0, 0.0, 2, 2, 2, 1.0, tensor,
        pitch, pitch == null ? null : 100, pitch == null ? null : "organ_electronic_007",
        pitch == null ? null : "organ", pitch == null ? null : "electronic",
        pitch == null ? null : List.of(0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        speaker, speaker == null ? null : 1, speaker == null ? null : 3,
        speaker == null ? null : "HELLO", speaker == null ? null : "F");
  }

  @Test
  void parquetRoundTripKeepsEveryColumn() {
    SparkSession spark = TestSpark.get();
    List<Row> rows = List.of(
        row("n.w0000", "nsynth", "train", new byte[] {1, 2, 3, 4}, 60, null),
        row("s.w0001", "librispeech", "valid", new byte[] {5, 6, 7, 8}, null, 7021));
    Dataset<Row> written = spark.createDataFrame(rows, TensorTable.SCHEMA);
    String path = tmp.resolve("t").toString();
    PartitionedWriter.overwriteDatasets(written, path, TensorTable.PARTITION_COLUMNS, java.util.Set.of("nsynth", "librispeech"), TensorTable.ID, 1000);
    Dataset<Row> read = spark.read().parquet(path);
    TensorTable.requireSchema(read.schema(), path);
    String[] columns = TensorTable.SCHEMA.fieldNames();
    JavaRDDComparisons.assertRDDEquals(
        written.selectExpr(columns).toJavaRDD().map(TensorTableTest::render),
        read.selectExpr(columns).toJavaRDD().map(TensorTableTest::render));
  }

  /** Row values as text, binary by content (byte[] has identity equality). */
  static String render(Row r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < r.size(); i++) {
      Object v = r.get(i);
      sb.append(v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v)).append('|');
    }
    return sb.toString();
  }

  @Test
  void requireSchemaListsEveryProblem() {
    StructType broken = new StructType(Arrays.stream(TensorTable.SCHEMA.fields())
        .filter(f -> !f.name().equals(TensorTable.TENSOR))
        .map(f -> f.name().equals(TensorTable.DATASET) ? new StructField(f.name(), DataTypes.IntegerType, true, f.metadata()) : f)
        .toArray(StructField[]::new));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TensorTable.requireSchema(broken, "some/table"));
    assertTrue(e.getMessage().contains("some/table is not a MelForge tensor table"), e.getMessage());
    assertTrue(e.getMessage().contains("missing column 'tensor'"), e.getMessage());
    assertTrue(e.getMessage().contains("column 'dataset' is int, expected string"), e.getMessage());
    assertEquals(TensorTable.SCHEMA.size(), TensorTable.SCHEMA.fieldNames().length);
  }
}
