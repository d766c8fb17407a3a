package org.melforge.features;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.melforge.config.Args;
import org.melforge.config.ConfigLoader;
import org.melforge.config.Setting;
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
 * Exit codes: 0 done; 2 usage or configuration error (nothing ran); 3 the run finished but its
 * error fraction exceeded {@code features.max-error-fraction}; 1 anything else.
 */
public final class FeaturesCli {

  private static final Logger LOG = LoggerFactory.getLogger(FeaturesCli.class);

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
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
    if (args.length == 0) {
      System.err.println(USAGE_TEXT);
      return USAGE;
    }
    try {
      Args a = Args.parse(args, 1, OPTIONS, Set.of());
      return switch (args[0]) {
        case "run" -> runJob(a);
        case "inspect" -> inspect(a);
        case "export" -> export(a);
        case "keys" -> keys();
        default -> usage("unknown verb '" + args[0] + "'");
      };
    } catch (IllegalArgumentException e) {
      System.err.println("features: " + e.getMessage());
      return USAGE;
    } catch (Exception e) {
      LOG.error("features failed", e);
      System.err.println("features: failed: " + rootCause(e));
      return FAILED;
    }
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

  private static int keys() {
    Config defaults = ConfigLoader.load(null, List.of());
    for (var schema : List.of(FeaturesSchema.features(), FeaturesSchema.spark())) {
      for (Setting s : schema.settings()) {
        String key = schema.section() + "." + s.path();
        String value = defaults.hasPath(key) ? defaults.getValue(key).render(ConfigRenderOptions.concise()) : "";
        System.out.printf("%-40s %-12s %s%n", key, value, s.description()
            + (s.allowed().isEmpty() ? "" : " " + s.allowed()));
      }
    }
    return OK;
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t + ")";
  }

  private static int usage(String problem) {
    System.err.println("features: " + problem + "\n" + USAGE_TEXT);
    return USAGE;
  }
}
