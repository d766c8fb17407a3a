package org.melforge.eval.job;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.melforge.config.Args;
import org.melforge.config.Cli;
import org.melforge.config.ConfigLoader;
import org.melforge.eval.export.ExportOptions;
import org.melforge.eval.export.TokenExport;
import org.melforge.model.layers.nd4j.QuietSameDiff;
import org.melforge.spark.SparkRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command line of the eval job.
 *
 * <pre>
 * eval run    --checkpoint PATH [--checkpoint PATH]... --table PATH [--split NAME] --output PATH
 *             [--conf FILE] [--overwrite] [key=value]...
 * eval export --checkpoint PATH --table PATH [--split NAME] --output PATH [--conf FILE]
 *             [--overwrite] [key=value]...
 * eval keys
 * </pre>
 *
 * Configuration layers, later winning: {@code conf/defaults.conf}, {@code --conf FILE}, the
 * options, {@code key=value}. Exit codes: 0 done; 2 usage, configuration, checkpoint or table error
 * (nothing ran); 1 anything else.
 */
public final class EvalCli {

  private static final Logger LOG = LoggerFactory.getLogger(EvalCli.class);
  private static final Set<String> OPTIONS =
      Set.of("--checkpoint", "--table", "--split", "--output", "--conf");
  private static final String USAGE_TEXT = String.join("\n",
      "usage:",
      "  eval run    --checkpoint PATH [--checkpoint PATH]... --table PATH [--split NAME]",
      "              --output PATH [--conf FILE] [--overwrite] [key=value]...",
      "  eval export --checkpoint PATH --table PATH [--split NAME] --output PATH [--conf FILE]",
      "              [--overwrite] [key=value]...",
      "  eval keys   (lists every eval and export key with its default and meaning)");

  private EvalCli() {}

  public static void main(String[] args) {
    QuietSameDiff.install();
    System.exit(run(args));
  }

  /** Runs one verb and returns the exit code. */
  public static int run(String[] args) {
    return Cli.run("eval", USAGE_TEXT, args, OPTIONS, Set.of("--overwrite"), Map.of(
        "run", EvalCli::evaluate,
        "export", EvalCli::export,
        "keys", a -> Cli.printKeys(List.of(EvalOptions.SCHEMA, ExportOptions.SCHEMA))), LOG);
  }

  /** The configuration a verb of {@code section} with these arguments uses. */
  static Config config(Args a, String section) {
    List<String> overrides = new ArrayList<>(a.assignments());
    List<String> checkpoints = a.all("--checkpoint");
    if (section.equals("export") && checkpoints.size() > 1) {
      throw new IllegalArgumentException("export takes one --checkpoint, got " + checkpoints);
    }
    if (section.equals("export") && !checkpoints.isEmpty()) {
      overrides.add("export.checkpoint=" + quote(checkpoints.get(0)));
    } else if (!checkpoints.isEmpty()) {
      overrides.add("eval.checkpoints=[" + String.join(",",
          checkpoints.stream().map(EvalCli::quote).toList()) + "]");
    }
    a.one("--table").ifPresent(t -> overrides.add(section + ".table=" + quote(t)));
    a.one("--split").ifPresent(s -> overrides.add(section + ".split=" + quote(s)));
    a.one("--output").ifPresent(o -> overrides.add(section + ".output=" + quote(o)));
    if (a.has("--overwrite")) {
      overrides.add(section + ".overwrite=true");
    }
    return ConfigLoader.load(a.one("--conf").orElse(null), overrides);
  }

  private static int evaluate(Args a) {
    Config config = config(a, "eval");
    EvalOptions options = EvalOptions.from(config);
    SparkSession spark = SparkRuntime.session("melforge-eval", SparkRuntime.settings(config));
    EvalResult result = new EvalJob(spark, options).execute();
    System.out.printf("evaluated %d checkpoint(s) on %d examples of split '%s': %s%s%n",
        result.checkpoints().size(), result.examples(), result.split(), result.output(),
        result.report() == null ? "" : ", report " + result.report());
    System.out.println(result.toJsonLine());
    return Cli.OK;
  }

  private static int export(Args a) {
    Config config = config(a, "export");
    ExportOptions options = ExportOptions.from(config);
    SparkSession spark = SparkRuntime.session("melforge-export", SparkRuntime.settings(config));
    var result = new TokenExport(spark, options).execute();
    System.out.printf("exported the tokens of %d examples of split '%s' to %s%n",
        result.examples(), result.split(), result.output());
    System.out.println(result.toJsonLine());
    return Cli.OK;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
