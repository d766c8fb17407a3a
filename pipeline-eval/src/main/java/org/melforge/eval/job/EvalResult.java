package org.melforge.eval.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.melforge.spark.JobResult;

/**
 * What an evaluation did; immutable. {@link #toJsonLine()} is the last line the command line
 * prints, and {@code eval.json} in the output folder.
 *
 * @param output the output folder
 * @param table the features table evaluated
 * @param split its split
 * @param examples examples evaluated per checkpoint
 * @param checkpoints one entry per checkpoint, in the order given
 * @param report the report's path, null when none was written
 */
public record EvalResult(String output, String table, String split, long examples,
    List<Evaluated> checkpoints, String report) implements JobResult {

  /**
   * One checkpoint's evaluation.
   *
   * @param id the checkpoint's short id ({@code preset@e<epoch>s<step>})
   * @param path the checkpoint folder
   * @param folder its results folder ({@code examples/} and {@code summary.json})
   * @param mseValid mean valid-frame MSE over the split
   * @param psnrValid mean valid-frame PSNR over the split
   * @param ssimValid mean valid-frame SSIM over the split
   */
  public record Evaluated(String id, String path, String folder, double mseValid,
      double psnrValid, double ssimValid) {}

  /** Copies the list. */
  public EvalResult {
    checkpoints = List.copyOf(checkpoints);
  }

  @Override
  public String toJsonLine() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("job", "eval");
    out.put("output", output);
    out.put("table", table);
    out.put("split", split);
    out.put("examples", examples);
    out.put("checkpoints", checkpoints.stream().map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("path", c.path());
      m.put("folder", c.folder());
      m.put("mse_valid", finite(c.mseValid()));
      m.put("psnr_valid", finite(c.psnrValid()));
      m.put("ssim_valid", finite(c.ssimValid()));
      return m;
    }).toList());
    out.put("report", report);
    return JobResult.jsonLine(out);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
