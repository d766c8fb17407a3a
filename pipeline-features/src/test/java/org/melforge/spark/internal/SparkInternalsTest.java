package org.melforge.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.ExecutorCacheTaskLocation;
import org.apache.spark.scheduler.TaskLocation;
import org.apache.spark.scheduler.TaskLocation$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.spark.TestSpark;

/**
 * Guards every Spark internal of {@link SparkInternals} (see the package documentation): each test
 * checks the internal against what Spark itself does, so a Spark upgrade that changes one fails here.
 */
class SparkInternalsTest {

  /** The Spark version the internals were checked against; keep equal to the parent pom's spark.version. */
  private static final String CHECKED_AGAINST = "3.5.5";

  @TempDir
  Path tmp;

  @Test
  void sparkIsTheVersionTheInternalsWereCheckedAgainst() {
    assertEquals(CHECKED_AGAINST, TestSpark.get().version(), "Spark changed version: re-check each internal listed "
        + "in org.melforge.spark.internal's package-info, then update the version there and here");
  }

  @Test
  void partitionDirectoryIsWhatSparkWrites() throws IOException {
    SparkSession spark = TestSpark.get();
    List<String> values = Arrays.asList("plain", "a/b", "c:d", "e=f", "g%h", "sp ace", "é", "", null);
    List<Row> rows = values.stream().map(v -> RowFactory.create(1, v)).toList();
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("part", DataTypes.StringType);
    Path table = tmp.resolve("t");
    spark.createDataFrame(rows, schema).write().partitionBy("part").parquet(table.toString());

    Set<String> written;
    try (Stream<Path> dirs = Files.list(table)) {
      written = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> expected = values.stream().map(v -> SparkInternals.partitionDirectory("part", v))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, written);
    assertTrue(written.contains("part=a%2Fb") && written.contains("part=c%3Ad"), written::toString);
    assertTrue(written.contains("part=__HIVE_DEFAULT_PARTITION__"), "null and empty: " + written);
  }

  @Test
  void executorsInLocalModeAreExactlyTheDriver() {
    SparkContext sc = TestSpark.get().sparkContext();
    List<ExecutorSlot> slots = SparkInternals.executors(sc);
    assertEquals(List.of(new ExecutorSlot("driver", sc.getConf().get("spark.driver.host"),
        true)), slots);
  }

  @Test
  void executorIdIsTheDriverInLocalModeAndTheExecutorsInTasks() {
    SparkContext sc = TestSpark.get().sparkContext();
    assertEquals("driver", SparkInternals.executorId());
    List<String> inTasks = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(sc)
        .parallelize(List.of(1, 2), 2).map(i -> SparkInternals.executorId()).collect();
    assertEquals(List.of("driver", "driver"), inTasks);
  }

  @Test
  void preferredLocationIsParsedAsThatExecutor() {
    ExecutorSlot slot = new ExecutorSlot("7", "host-a.example", false);
    TaskLocation location = TaskLocation$.MODULE$.apply(slot.preferredLocation());
    assertTrue(location instanceof ExecutorCacheTaskLocation, location.getClass().getName());
    assertEquals("host-a.example", location.host());
    assertEquals("7", ((ExecutorCacheTaskLocation) location).executorId());
  }

  @Test
  void setJobGroupWritesTheseLocalProperties() {
    SparkContext sc = TestSpark.get().sparkContext();
    try {
      sc.setJobGroup("g", "d", true);
      assertEquals("g", sc.getLocalProperty(SparkInternals.JOB_GROUP_ID));
      assertEquals("d", sc.getLocalProperty(SparkInternals.JOB_DESCRIPTION));
      assertEquals("true", sc.getLocalProperty(SparkInternals.JOB_INTERRUPT_ON_CANCEL));
    } finally {
      sc.clearJobGroup();
    }
    assertNull(sc.getLocalProperty(SparkInternals.JOB_GROUP_ID));
    assertNull(sc.getLocalProperty(SparkInternals.JOB_DESCRIPTION));
    assertNull(sc.getLocalProperty(SparkInternals.JOB_INTERRUPT_ON_CANCEL));
  }
}
