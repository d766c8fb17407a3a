package org.melforge.eval.export;

import java.util.LinkedHashMap;
import java.util.Map;
import org.melforge.spark.JobResult;

/**
 * What a token export wrote; immutable.
 *
 * @param output the Parquet folder
 * @param checkpoint the checkpoint's short id
 * @param table the features table
 * @param split the splits exported, comma-separated
 * @param examples rows written
 */
public record ExportResult(String output, String checkpoint, String table, String split,
    long examples) implements JobResult {

  @Override
  public String toJsonLine() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("job", "export");
    out.put("output", output);
    out.put("checkpoint", checkpoint);
    out.put("table", table);
    out.put("split", split);
    out.put("examples", examples);
    return JobResult.jsonLine(out);
  }
}
