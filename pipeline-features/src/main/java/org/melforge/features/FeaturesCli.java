package org.melforge.features;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.melforge.config.Args;
import org.melforge.config.Cli;
import org.melforge.config.ConfigLoader;
import org.melforge.spark.SparkRuntime;
import org.melforge.tensorstore.TableInspector;
import org.melforge.tensorstore.TensorExporter;

/**
 * Command line of the features job.
 *
 * <pre>
 * features run     [--conf FILE] [--input PATH]... [--output PATH] [key=value]...
 * features inspect TABLE [--images N] [--out DIR]
 * features export  TABLE --out DIR [--dataset NAME] [--split NAME] [--limit N]
 * features keys
 * </pre>
 *
 * {@code run} prints one line per table and the verdict, then the {@link FeaturesResult} as a JSON
 * line, the last line of its standard output.
 *
 * <p>Exit codes: 0 done; 2 usage or configuration error (nothing ran); 3 the run finished but its
 * error fraction exceeded {@code features.max-error-fraction}; 1 anything else.
 */
public final class FeaturesCli {

  private static final Logger LOG = LoggerFactory.getLogger(FeaturesCli.class);

  static final int OK = Cli.OK;
  static final int FAILED = Cli.FAILED;
  static final int USAGE = Cli.USAGE;
  static final int TOO_MANY_ERRORS = 3;

  private static final String USAGE_TEXT = String.join("\n",
      "usage:",
      "  features run     [--conf FILE] [--input PATH]... [--output PATH] [key=value]...",
      "  features inspect TABLE [--images N] [--out DIR]",
      "  features export  TABLE --out DIR [--dataset NAME] [--split NAME] [--limit N]",
      "  features keys    (lists every configuration key with its meaning)");

  private static final Set<String> OPTIONS =
      Set.of("--conf", "--input", "--output", "--out", "--images", "--dataset", "--split", "--limit");

  private FeaturesCli() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one verb and returns the exit code. */
  public static int run(String[] args) {
    return Cli.run("features", USAGE_TEXT, args, OPTIONS, Set.of(), Map.of(
        "run", FeaturesCli::runJob,
        "inspect", FeaturesCli::inspect,
        "export", FeaturesCli::export,
        "keys", a -> Cli.printKeys(List.of(FeaturesSchema.features(), FeaturesSchema.spark()))), LOG);
  }

  private static int runJob(Args a) {
    List<String> overrides = new ArrayList<>(a.assignments());
    List<String> inputs = a.all("--input");
    if (!inputs.isEmpty()) {
      overrides.add("features.inputs=[" + String.join(",",
          inputs.stream().map(p -> "{path=\"" + p.replace("\"", "\\\"") + "\"}").toList()) + "]");
    }
    a.one("--output").ifPresent(o -> overrides.add("features.output=\"" + o.replace("\"", "\\\"") + "\""));
    Config config = ConfigLoader.load(a.one("--conf").orElse(null), overrides);
    FeaturesOptions options = FeaturesOptions.from(config);
    SparkSession spark = SparkRuntime.session("melforge-features", options.sparkSettings());
    FeaturesResult result = new FeaturesJob(spark, options).execute();
    System.out.println(result.describe());
    System.out.println(result.toJsonLine());
    return result.passed() ? OK : TOO_MANY_ERRORS;
  }

  private static int inspect(Args a) {
    String table = a.positional(0, "TABLE");
    SparkSession spark = SparkRuntime.session("melforge-features-inspect", Map.of());
    TableInspector.Report report = TableInspector.inspect(spark, table,
        a.one("--out").orElse(null), Integer.parseInt(a.one("--images").orElse("4")));
    System.out.println(report.describe());
    return OK;
  }

  private static int export(Args a) {
    String table = a.positional(0, "TABLE");
    String out = a.one("--out").orElseThrow(() -> new IllegalArgumentException("export needs --out DIR"));
    SparkSession spark = SparkRuntime.session("melforge-features-export", Map.of());
    long n = TensorExporter.on(spark, table)
        .dataset(a.one("--dataset").orElse(null))
        .split(a.one("--split").orElse(null))
        .limit(Long.parseLong(a.one("--limit").orElse("0")))
        .execute(out);
    System.out.println("exported " + n + " tensors to " + out);
    return OK;
  }
}
