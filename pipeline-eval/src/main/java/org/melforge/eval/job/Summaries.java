package org.melforge.eval.job;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.struct;
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

  private static final int OVERALL = -1;

  private Summaries() {}

  /**
   * Every metric's distribution over the whole table and per group.
   *
   * @param overall every metric's distribution over the table, in {@code metrics} order
   * @param groups per grouping that applies to some of the examples (a key that is not null), per
   *     group value (sorted), every metric's distribution
   */
  record Result(Map<String, Distribution> overall,
      Map<String, Map<String, Map<String, Distribution>>> groups) {}

  /**
   * The distributions of {@code metrics} over {@code examples}, overall and per grouping, in one
   * Spark job: every row is expanded to the overall set and one set per grouping (as SQL's
   * {@code GROUPING SETS}), then aggregated by (set, key) in a single scan and shuffle.
   */
  static Result of(Dataset<Row> examples, List<String> metrics) {
    List<Column> sets = new ArrayList<>();
    sets.add(struct(lit(OVERALL).as("set"), lit(null).cast("string").as("key")));
    for (int i = 0; i < GROUPINGS.size(); i++) {
      sets.add(struct(lit(i).as("set"), GROUPINGS.get(i).key().cast("string").as("key")));
    }
    List<Column> columns = new ArrayList<>();
    columns.add(explode(array(sets.toArray(Column[]::new))).as("_s"));
    metrics.forEach(m -> columns.add(col(m)));
    List<Column> aggs = aggregates(metrics);
    List<Row> rows = examples.select(columns.toArray(Column[]::new))
        .where(col("_s.set").equalTo(OVERALL).or(col("_s.key").isNotNull()))
        .groupBy(col("_s.set"), col("_s.key"))
        .agg(aggs.get(0), tail(aggs))
        .collectAsList();
    Map<String, Distribution> overall = Map.of();
    List<Map<String, Map<String, Distribution>>> byGrouping = new ArrayList<>();
    GROUPINGS.forEach(g -> byGrouping.add(new TreeMap<>()));
    for (Row row : rows) {
      if (row.getInt(0) == OVERALL) {
        overall = distributions(row, 2, metrics);
      } else {
        byGrouping.get(row.getInt(0)).put(row.getString(1), distributions(row, 2, metrics));
      }
    }
    Map<String, Map<String, Map<String, Distribution>>> groups = new LinkedHashMap<>();
    for (int i = 0; i < GROUPINGS.size(); i++) {
      if (!byGrouping.get(i).isEmpty()) {
        groups.put(GROUPINGS.get(i).name(), byGrouping.get(i));
      }
    }
    return new Result(overall, groups);
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
