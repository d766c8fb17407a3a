package org.melforge.eval.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.checkpoint.CheckpointException;
import org.melforge.checkpoint.OutputLease;
import org.melforge.data.FeatureTable;
import org.melforge.eval.job.CheckpointEvaluation.Outcome;
import org.melforge.spark.HadoopJson;
import org.melforge.spark.JobGroup;
import org.melforge.spark.SparkJob;
import org.melforge.training.BuildInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluation of one or more checkpoints on one split of a features table. Per checkpoint, on the
 * executors: every example's reconstruction metrics and loss parts (a Parquet table with the
 * example's corpus metadata) and the exact code and latent statistics of the split; on the
 * driver, from those aggregates only: {@code summary.json} (distributions overall and per group).
 * Then {@code report.html} of all the checkpoints, and {@code eval.json}, written last.
 *
 * <p>Every check that can fail before any Spark work runs first (table, split, profile, each
 * checkpoint, output): a refused run exits with the path and the reason and writes nothing.
 */
public final class EvalJob implements SparkJob<EvalResult> {

  private static final Logger LOG = LoggerFactory.getLogger(EvalJob.class);
  /** The Spark job group of the eval job's jobs. */
  public static final String JOB_GROUP = "melforge-eval";
  /** The result file in the output folder, written last. */
  public static final String RESULT = "eval.json";
  /** The report file in the output folder. */
  public static final String REPORT = "report.html";

  private final SparkSession spark;
  private final EvalOptions options;

  public EvalJob(SparkSession spark, EvalOptions options) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Evaluates every checkpoint and writes the results.
   *
   * @throws IllegalArgumentException when the run is refused before any work (the message names
   *     the table, split, checkpoint or folder and why)
   */
  @Override
  public EvalResult execute() {
    try (JobGroup group = JobGroup.open(spark.sparkContext(), JOB_GROUP,
        "eval " + options.split() + " of " + options.table())) {
      Start start = prepare();
      try (OutputLease lease = start.lease()) {
        return evaluate(start, group, lease);
      }
    }
  }

  /** What the checks before any work established. */
  private record Start(FeatureTable table, Profile profile, List<Checkpoint> checkpoints,
      FileSystem fs, Path output, OutputLease lease) {}

  private Start prepare() {
    FeatureTable table = FeatureTable.open(spark, options.table()).checked(options.badRows());
    table.requireRows(options.split());
    Profile profile = Profile.of(table.statsJson(), table.statsPath());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<Checkpoint> checkpoints = new ArrayList<>();
    for (String uri : options.checkpoints()) {
      Checkpoint c = open(uri, hadoop);
      Compatibility.check(c, table, profile, options.allowChangedTable());
      checkpoints.add(c);
    }
    Path given = new Path(options.output());
    FileSystem fs = fileSystem(given, hadoop);
    Path output = fs.makeQualified(given);
    OutputLease lease = claim(fs, output);
    try {
      clearEarlier(fs, output);
      return new Start(table, profile, checkpoints, fs, output, lease);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  private static Checkpoint open(String uri, Configuration hadoop) {
    try {
      return Checkpoint.open(uri, hadoop);
    } catch (CheckpointException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException("checkpoint " + uri + " cannot be read: "
          + e.getMessage(), e);
    }
  }

  private static FileSystem fileSystem(Path output, Configuration hadoop) {
    try {
      return output.getFileSystem(hadoop);
    } catch (IOException e) {
      throw new IllegalArgumentException("output folder " + output + " is not reachable: "
          + e.getMessage(), e);
    }
  }

  private OutputLease claim(FileSystem fs, Path output) {
    try {
      return OutputLease.acquire(fs, output, "eval " + options.split());
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException("output folder " + output + " is not writable: "
          + e.getCause().getMessage(), e);
    }
  }

  /**
   * Refuses an output that holds an earlier evaluation unless told to replace it; with
   * {@code eval.overwrite}, deletes what an evaluation writes there (and nothing else).
   */
  private void clearEarlier(FileSystem fs, Path output) {
    try {
      List<Path> earlier = new ArrayList<>();
      for (FileStatus s : fs.listStatus(output)) {
        String name = s.getPath().getName();
        boolean ours = name.equals(RESULT) || name.equals(REPORT)
            || (s.isDirectory() && fs.exists(new Path(s.getPath(), CheckpointEvaluation.SUMMARY)));
        if (ours) {
          earlier.add(s.getPath());
        }
      }
      if (earlier.isEmpty()) {
        return;
      }
      if (!options.overwrite()) {
        throw new IllegalArgumentException("output folder " + output + " already holds an"
            + " evaluation (" + earlier.stream().map(Path::getName).toList() + "): pass --overwrite"
            + " to replace it, or choose another output");
      }
      LOG.warn("eval: replacing the earlier evaluation in {} (eval.overwrite)", output);
      for (Path p : earlier) {
        fs.delete(p, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list output folder " + output, e);
    }
  }

  private EvalResult evaluate(Start start, JobGroup group, OutputLease lease) {
    List<Outcome> outcomes = new ArrayList<>();
    Set<String> folders = new HashSet<>();
    for (Checkpoint c : start.checkpoints()) {
      group.describe("eval " + c.id() + " on " + options.split());
      Path folder = new Path(start.output(), unique(folderName(c.id()), folders));
      LOG.info("eval[{}]: {} examples of split '{}' of {} -> {}", c.id(),
          start.table().count(options.split()), options.split(), start.table().path(), folder);
      long began = System.nanoTime();
      Outcome outcome = new CheckpointEvaluation(spark, options, start.table(), start.profile(), c,
          folder).run();
      double seconds = (System.nanoTime() - began) / 1e9;
      LOG.info("eval[{}]: {} of {} checkpoint(s) done, {} examples in {} s ({} examples/s):"
              + " valid-frame MSE {}, PSNR {} dB, SSIM {}", c.id(), outcomes.size() + 1,
          start.checkpoints().size(), start.table().count(options.split()),
          String.format("%.1f", seconds),
          String.format("%.1f", start.table().count(options.split()) / seconds),
          outcome.evaluated().mseValid(), outcome.evaluated().psnrValid(),
          outcome.evaluated().ssimValid());
      outcomes.add(outcome);
      lease.check();
    }
    String report = null;
    if (options.report()) {
      group.describe("eval report");
      Path path = new Path(start.output(), REPORT);
      ReportBuilder.write(spark, options, start.table(), start.profile(), outcomes, path);
      report = path.toString();
    }
    EvalResult result = new EvalResult(start.output().toString(), start.table().path(),
        options.split(), start.table().count(options.split()),
        outcomes.stream().map(Outcome::evaluated).toList(), report);
    writeResult(start.fs(), new Path(start.output(), RESULT), result);
    return result;
  }

  private static String folderName(String checkpointId) {
    return checkpointId.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String unique(String name, Set<String> taken) {
    String candidate = name;
    for (int i = 2; !taken.add(candidate); i++) {
      candidate = name + "-" + i;
    }
    return candidate;
  }

  private static void writeResult(FileSystem fs, Path path, EvalResult result) {
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      out.put("result", new ObjectMapper().readTree(result.toJsonLine()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.put("versions", BuildInfo.versions());
    out.put("git_commit", BuildInfo.gitCommit());
    out.put("created_at", Instant.now().toString());
    HadoopJson.write(fs, path, out);
  }

  /** Parses JSON text known to be valid. */
  static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
