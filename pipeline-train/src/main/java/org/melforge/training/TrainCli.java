package org.melforge.training;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.melforge.config.Args;
import org.melforge.config.Cli;
import org.melforge.config.ConfigLoader;
import org.melforge.config.ConfigValidationException;
import org.melforge.model.ModelSpec;
import org.melforge.model.layers.nd4j.QuietSameDiff;
import org.melforge.sharing.SharingOptions;
import org.melforge.spark.SparkRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command line of the train job.
 *
 * <pre>
 * train run     [--preset NAME] [--conf FILE] [--table PATH] [--output PATH] [--epochs N]
 *               [--resume | --overwrite] [key=value]...
 * train presets
 * train keys
 * </pre>
 *
 * Configuration layers, later winning: {@code conf/defaults.conf}, the preset, {@code --conf FILE},
 * the options, {@code key=value}. Exit codes: 0 done; 2 usage or configuration error (nothing
 * ran); 1 anything else.
 */
public final class TrainCli {

  private static final Logger LOG = LoggerFactory.getLogger(TrainCli.class);
  static final int OK = Cli.OK;
  static final int FAILED = Cli.FAILED;
  static final int USAGE = Cli.USAGE;

  private static final Set<String> OPTIONS =
      Set.of("--preset", "--conf", "--table", "--output", "--epochs");
  private static final String USAGE_TEXT = String.join("\n",
      "usage:",
      "  train run     [--preset NAME] [--conf FILE] [--table PATH] [--output PATH] [--epochs N]",
      "                [--resume | --overwrite] [key=value]...",
      "  train presets (lists the bundled presets)",
      "  train keys    (lists every model, train and sharing key with its default and meaning)");

  private TrainCli() {}

  public static void main(String[] args) {
    QuietSameDiff.install();
    System.exit(run(args));
  }

  /** Runs one verb and returns the exit code. */
  public static int run(String[] args) {
    return Cli.run("train", USAGE_TEXT, args, OPTIONS, Set.of("--resume", "--overwrite"), Map.of(
        "run", TrainCli::train,
        "presets", a -> presets(),
        "keys", a -> Cli.printKeys(List.of(ModelSpec.SCHEMA, TrainOptions.SCHEMA,
            SharingOptions.SCHEMA))), LOG);
  }

  /** The configuration a {@code run} with these arguments uses. */
  static Config config(Args a) {
    List<String> overrides = new ArrayList<>(a.assignments());
    a.one("--table").ifPresent(t -> overrides.add("train.table=" + quote(t)));
    a.one("--output").ifPresent(o -> overrides.add("train.output=" + quote(o)));
    a.one("--epochs").ifPresent(e -> overrides.add("train.epochs=" + e));
    if (a.has("--resume")) {
      overrides.add("train.resume=true");
    }
    if (a.has("--overwrite")) {
      overrides.add("train.overwrite=true");
    }
    Config preset = a.one("--preset").map(Presets::load).orElse(ConfigFactory.empty());
    return ConfigLoader.load(preset, a.one("--conf").orElse(null), overrides);
  }

  private static int train(Args a) {
    Config config = config(a);
    List<String> problems = new ArrayList<>();
    ModelSpec spec = validated(problems, () -> ModelSpec.from(config));
    TrainOptions options = validated(problems, () -> TrainOptions.from(config));
    SharingOptions sharing = validated(problems, () -> SharingOptions.from(config));
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(problems);
    }
    SparkSession spark = SparkRuntime.session("melforge-train", SparkRuntime.settings(config));
    TrainResult result = new TrainJob(spark, spec, options, sharing).execute();
    System.out.printf("trained %s: epochs %d..%d, %d steps, checkpoint %s%n", spec.preset(),
        result.startEpoch() + 1, result.epochs(), result.globalStep(), result.lastCheckpoint());
    System.out.println(result.toJsonLine());
    return OK;
  }

  private static <T> T validated(List<String> problems, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (ConfigValidationException e) {
      problems.addAll(e.problems());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    return null;
  }

  private static int presets() {
    for (String name : Presets.NAMES) {
      Config c = Presets.load(name).resolve();
      System.out.printf("%-20s family %-11s input %dx%d%n", name, c.getString("model.family"),
          c.getInt("model.n-mels"), c.getInt("model.n-frames"));
    }
    return OK;
  }


  private static String quote(String s) {
    return "\"" + s.replace("\"", "\\\"") + "\"";
  }
}
