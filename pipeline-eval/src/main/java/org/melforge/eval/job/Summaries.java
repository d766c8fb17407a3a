package org.melforge.eval.job;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.melforge.eval.metrics.Distribution;
import org.melforge.tensorstore.TensorTable;

/**
 * The {@link Distribution} of every metric of an examples table, over the whole table and per
 * group, computed by Spark where the rows are: count, mean, population standard deviation and
 * exact percentiles (Spark SQL's {@code percentile}); NaN values (metrics undefined for an example)
 * are left out.
 */
final class Summaries {

  /**
   * A way of grouping examples: NSynth instrument family, source and pitch range, LibriSpeech
   * speaker and sex.
   */
  record Grouping(String name, Column key) {}

  static final List<Grouping> GROUPINGS = List.of(
      new Grouping("instrument_family", col(TensorTable.INSTRUMENT_FAMILY)),
      new Grouping("instrument_source", col(TensorTable.INSTRUMENT_SOURCE)),
      new Grouping("pitch_range", when(col(TensorTable.PITCH).lt(48), "low (< 48)")
          .when(col(TensorTable.PITCH).lt(72), "mid (48-71)")
          .when(col(TensorTable.PITCH).isNotNull(), "high (>= 72)")),
      new Grouping("speaker", col(TensorTable.SPEAKER).cast("string")),
      new Grouping("speaker_sex", col(TensorTable.SPEAKER_SEX)));

  private Summaries() {}

  /** Every metric's distribution over {@code examples}, in {@code metrics} order. */
  static Map<String, Distribution> overall(Dataset<Row> examples, List<String> metrics) {
    Row row = examples.agg(aggregates(metrics).get(0), tail(aggregates(metrics)))
        .collectAsList().get(0);
    return distributions(row, 0, metrics);
  }

  /**
   * Per grouping that applies to some of {@code examples} (a key that is not null), per group value
   * (sorted), every metric's distribution.
   */
  static Map<String, Map<String, Map<String, Distribution>>> groups(Dataset<Row> examples,
      List<String> metrics) {
    Map<String, Map<String, Map<String, Distribution>>> out = new LinkedHashMap<>();
    for (Grouping g : GROUPINGS) {
      Dataset<Row> keyed = examples.withColumn("_group", g.key()).where(col("_group").isNotNull());
      List<Column> aggs = aggregates(metrics);
      Map<String, Map<String, Distribution>> byValue = new TreeMap<>();
      for (Row row : keyed.groupBy(col("_group")).agg(aggs.get(0), tail(aggs)).collectAsList()) {
        byValue.put(row.getString(0), distributions(row, 1, metrics));
      }
      if (!byValue.isEmpty()) {
        out.put(g.name(), byValue);
      }
    }
    return out;
  }

  private static List<Column> aggregates(List<String> metrics) {
    List<Column> out = new ArrayList<>();
    for (String m : metrics) {
      Column v = when(isnan(col(m)), lit(null)).otherwise(col(m));
      out.add(count(v));
      out.add(avg(v));
      out.add(stddev_pop(v));
      out.add(call_function("percentile", v, array(lit(0.05), lit(0.5), lit(0.95))));
    }
    return out;
  }

  private static Column[] tail(List<Column> columns) {
    return columns.subList(1, columns.size()).toArray(new Column[0]);
  }

  private static Map<String, Distribution> distributions(Row row, int from, List<String> metrics) {
    Map<String, Distribution> out = new LinkedHashMap<>();
    int i = from;
    for (String m : metrics) {
      long n = row.getLong(i);
      List<Double> p = row.isNullAt(i + 3) ? null : row.getList(i + 3);
      out.put(m, new Distribution(n, orNaN(row, i + 1), orNaN(row, i + 2),
          p == null ? Double.NaN : p.get(0), p == null ? Double.NaN : p.get(1),
          p == null ? Double.NaN : p.get(2)));
      i += 4;
    }
    return out;
  }

  private static double orNaN(Row row, int i) {
    return row.isNullAt(i) ? Double.NaN : row.getDouble(i);
  }
}
