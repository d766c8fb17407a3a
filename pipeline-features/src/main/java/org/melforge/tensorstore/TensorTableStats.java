package org.melforge.tensorstore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Per-mel-bin statistics of a tensor table, computed on the executors (one {@link MelBinStats} per
 * split and partition, merged on the driver): the JSON written beside each table. Readers must
 * accept files without {@code provenance}, which older features runs did not write.
 */
public final class TensorTableStats {

  private TensorTableStats() {}

  /**
   * Statistics over the valid frames of every row of {@code table}, overall ({@code all}) and per
   * split ({@code splits}), after {@code table}, {@code values} (what the statistics are of) and
   * {@code provenance} (how the writer made the tensors, as it gives it).
   */
  public static Map<String, Object> compute(Dataset<Row> table, String tablePath, Map<String, ?> provenance) {
    TensorTable.requireSchema(table.schema(), tablePath);
    Map<String, MelBinStats> bySplit = new TreeMap<>(table
        .select(TensorTable.SPLIT, TensorTable.TENSOR, TensorTable.N_MELS, TensorTable.N_FRAMES,
            TensorTable.VALID_FRAMES)
        .javaRDD()
        .mapToPair(r -> new Tuple2<>(r.getString(0),
            new MelBinStats(r.getInt(2)).add(r.getAs(1), r.getInt(3), r.getInt(4))))
        .reduceByKey(MelBinStats::merge)
        .collectAsMap());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("table", tablePath);
    out.put("values", "stored tensor values (dB/40 + 1) over valid, non-padded frames");
    out.put("provenance", provenance);
    out.put("all", bySplit.values().stream().reduce((a, b) -> copy(a).merge(b)).map(MelBinStats::toJson).orElse(null));
    Map<String, Object> splits = new LinkedHashMap<>();
    bySplit.forEach((split, stats) -> splits.put(split, stats.toJson()));
    out.put("splits", splits);
    return out;
  }

  private static MelBinStats copy(MelBinStats s) {
    return new MelBinStats(s.nMels()).merge(s);
  }
}
