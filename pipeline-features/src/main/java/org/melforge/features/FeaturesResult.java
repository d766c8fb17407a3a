package org.melforge.features;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.melforge.spark.JobResult;

/**
 * What a features run did: per-table counts, where everything was written, and how the tensors
 * were made. Immutable.
 *
 * @param tables one entry per tensor table written in this run
 * @param errorsPath the {@code _errors} table
 * @param maxErrorFraction the configured threshold
 * @param provenance the profiles, inputs, split settings and build of the run
 */
public record FeaturesResult(List<TableCounts> tables, String errorsPath, double maxErrorFraction,
    Provenance provenance) implements JobResult {

  /** Copies {@code tables}; rejects a missing errors path or provenance. */
  public FeaturesResult {
    tables = List.copyOf(tables);
    Objects.requireNonNull(errorsPath, "errorsPath");
    Objects.requireNonNull(provenance, "provenance");
  }

  /**
   * Counts of one table's run. {@code inputs} counts catalog items (files and metadata entries);
   * {@code ok} sources produced tensors; of those {@code converted} were downmixed or resampled and
   * {@code padded} were padded NSynth notes; {@code errors} items produced nothing.
   */
  public record TableCounts(String profile, String path, String statsPath, long inputs, long ok,
      long converted, long padded, long errors, long tensors) {}

  public long inputs() {
    return tables.stream().mapToLong(TableCounts::inputs).sum();
  }

  public long ok() {
    return tables.stream().mapToLong(TableCounts::ok).sum();
  }

  public long errors() {
    return tables.stream().mapToLong(TableCounts::errors).sum();
  }

  /** errors / inputs, 0 when there was no input. */
  public double errorFraction() {
    return inputs() == 0 ? 0.0 : errors() / (double) inputs();
  }

  /** True when the error fraction is within the threshold. */
  public boolean passed() {
    return errorFraction() <= maxErrorFraction;
  }

  /** The summary written to {@code _summary.json}: the counts, then {@code provenance}. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("inputs", inputs());
    out.put("ok", ok());
    out.put("errors", errors());
    out.put("error_fraction", errorFraction());
    out.put("max_error_fraction", maxErrorFraction);
    out.put("passed", passed());
    out.put("errors_table", errorsPath);
    out.put("tables", tables);
    out.put("provenance", provenance.toJson());
    return out;
  }

  /** {@link #toJson()} (the content of {@code _summary.json}) as one line. */
  @Override
  public String toJsonLine() {
    return JobResult.jsonLine(toJson());
  }

  /** One console line per table plus the verdict. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (TableCounts t : tables) {
      sb.append(String.format("table %-7s inputs=%d ok=%d converted=%d padded=%d errors=%d tensors=%d -> %s%n",
          t.profile(), t.inputs(), t.ok(), t.converted(), t.padded(), t.errors(), t.tensors(), t.path()));
    }
    sb.append(String.format("errors: %d of %d inputs (%.2f%%, threshold %.2f%%) -> %s: %s",
        errors(), inputs(), 100 * errorFraction(), 100 * maxErrorFraction, errorsPath,
        passed() ? "PASSED" : "FAILED"));
    return sb.toString();
  }
}
