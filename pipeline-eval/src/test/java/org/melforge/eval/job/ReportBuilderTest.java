package org.melforge.eval.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.melforge.eval.report.Histogram;
import org.melforge.spark.TestSpark;

/** The report's histograms: equal-width bins over the finite values, counted in one pass. */
class ReportBuilderTest {

  @Test
  void histogramsCountFiniteValuesIntoEqualWidthBins() {
    SparkSession spark = TestSpark.get();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i <= 30; i++) {
      rows.add(RowFactory.create((double) i, i == 3 ? Double.NaN : 7.0,
          i == 0 ? Double.POSITIVE_INFINITY : Double.NaN));
    }
    StructType schema = new StructType().add("a", DataTypes.DoubleType)
        .add("b", DataTypes.DoubleType).add("c", DataTypes.DoubleType);
    Dataset<Row> examples = spark.createDataFrame(rows, schema).repartition(3);

    Map<String, Histogram> h = ReportBuilder.histograms(examples, List.of("a", "b", "c"));

    long[] a = new long[ReportBuilder.BINS];
    for (int i = 0; i <= 30; i++) {
      a[Math.min(ReportBuilder.BINS - 1, (int) (i / 30.0 * ReportBuilder.BINS))]++;
    }
    assertEquals(0, h.get("a").min());
    assertEquals(30, h.get("a").max());
    assertArrayEquals(a, h.get("a").counts());
    assertEquals(2, h.get("a").counts()[ReportBuilder.BINS - 1], "the last bin holds 29 and 30");
    assertEquals(30, h.get("b").counts()[0], "a constant metric in one bin, NaN left out");
    assertFalse(h.containsKey("c"), "no finite value, no histogram");
  }
}
