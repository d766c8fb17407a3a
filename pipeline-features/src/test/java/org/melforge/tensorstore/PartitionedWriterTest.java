package org.melforge.tensorstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.spark.TestSpark;

class PartitionedWriterTest {

  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType).add("dataset", DataTypes.StringType).add("split", DataTypes.StringType);

  @TempDir
  Path tmp;

  private Dataset<Row> rows(SparkSession spark, String... idDatasetSplit) {
    List<Row> rows = new java.util.ArrayList<>();
    for (String s : idDatasetSplit) {
      String[] p = s.split(":");
      rows.add(RowFactory.create(p[0], p[1], p[2]));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  private List<String> read(SparkSession spark, String path) {
    return spark.read().parquet(path).orderBy("id").collectAsList().stream()
        .map(r -> r.getAs("id") + ":" + r.getAs("dataset") + ":" + r.getAs("split")).toList();
  }

  @Test
  void ownsTheDatasetsItProcessedAndNothingElse() {
    SparkSession spark = TestSpark.get();
    String path = tmp.resolve("t").toString();
    List<String> cols = List.of("dataset", "split");
    PartitionedWriter.overwriteDatasets(rows(spark, "a1:a:train", "a2:a:test", "b1:b:train"), path, cols, Set.of("a", "b"), "id", 1000);
    assertEquals(List.of("a1:a:train", "a2:a:test", "b1:b:train"), read(spark, path));

    // rerun of dataset a: its test split is gone now and train changed; b is not touched
    PartitionedWriter.overwriteDatasets(rows(spark, "a3:a:train"), path, cols, Set.of("a"), "id", 1000);
    assertEquals(List.of("a3:a:train", "b1:b:train"), read(spark, path));

    // a run that processed b and produced nothing for it removes b
    PartitionedWriter.overwriteDatasets(rows(spark), path, cols, Set.of("b"), "id", 1000);
    assertEquals(List.of("a3:a:train"), read(spark, path));
  }

  @Test
  void filesFollowRowsPerFileNotTheInputPartitioning() throws Exception {
    SparkSession spark = TestSpark.get();
    Dataset<Row> rows = rows(spark, "a1:a:train", "a2:a:train", "a3:a:train", "a4:a:train", "a5:a:train",
        "a6:a:valid").repartition(5);
    String big = tmp.resolve("big").toString();
    PartitionedWriter.overwriteDatasets(rows, big, List.of("dataset", "split"), Set.of("a"), "id", 1000);
    assertEquals(6, read(spark, big).size());
    assertEquals(List.of(5L), rowsPerParquetFile(spark, tmp.resolve("big/dataset=a/split=train")));
    assertEquals(List.of(1L), rowsPerParquetFile(spark, tmp.resolve("big/dataset=a/split=valid")));

    String small = tmp.resolve("small").toString();
    PartitionedWriter.overwriteDatasets(rows, small, List.of("dataset", "split"), Set.of("a"), "id", 2);
    List<Long> perFile = rowsPerParquetFile(spark, tmp.resolve("small/dataset=a/split=train"));
    assertEquals(5L, perFile.stream().mapToLong(Long::longValue).sum());
    assertTrue(perFile.size() >= 3 && perFile.stream().allMatch(n -> n <= 2), perFile::toString);
  }

  private static List<Long> rowsPerParquetFile(SparkSession spark, Path dir) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".parquet"))
          .map(f -> spark.read().parquet(f.toString()).count()).toList();
    }
  }
}
