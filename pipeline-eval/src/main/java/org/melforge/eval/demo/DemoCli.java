package org.melforge.eval.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.melforge.config.Cli;
import org.melforge.eval.job.EvalCli;
import org.melforge.features.FeaturesCli;
import org.melforge.model.layers.nd4j.QuietSameDiff;
import org.melforge.training.TrainCli;

/**
 * The demo ({@code submit/demo}): the whole pipeline on the bundled sample corpora, in one JVM and
 * one local Spark session. Its steps are the command lines of {@code submit/features},
 * {@code submit/train} and {@code submit/eval}, run in order through the same entry points: the
 * features job, an inspection of each table, the train job of each preset on its table (one with
 * gradient sharing, the others in one worker, as {@code conf/demo.conf} sets), the eval
 * job of each table's models side by side, and the token export of AudDSR. One JVM for all of them
 * spares every step the start of a JVM, of Spark and of ND4J. The first step that fails stops the
 * demo with that step's exit code.
 */
public final class DemoCli {

  /** One step: its name, the entry point of its command, the command's arguments. */
  record Step(String name, ToIntFunction<String[]> command, List<String> args) {}

  private static final List<String[]> MODELS = List.of(new String[] {"timbre-vae", "nsynth"},
      new String[] {"vqvae-80x128", "nsynth"}, new String[] {"vqvae-128x320", "speech"},
      new String[] {"auddsr", "speech"});

  /** The preset the demo trains with gradient sharing (two workers); the others in one worker. */
  static final String SHARED = "vqvae-80x128";

  private DemoCli() {}

  /** Runs the demo under {@code MELFORGE_HOME}; the arguments go to the features job. */
  public static void main(String[] args) {
    QuietSameDiff.install();
    String home = System.getenv("MELFORGE_HOME");
    if (home == null || home.isBlank()) {
      System.err.println("demo: MELFORGE_HOME (the repository root) is not set; run submit/demo");
      System.exit(Cli.USAGE);
    }
    System.exit(run(Path.of(home), List.of(args)));
  }

  /**
   * Runs the steps of the demo of the repository at {@code home}, {@code featuresArgs} added to
   * the features job's command line, and returns the exit code.
   */
  public static int run(Path home, List<String> featuresArgs) {
    for (Step step : steps(home, featuresArgs)) {
      System.out.println("[melforge] demo: " + step.name());
      int code = step.command().applyAsInt(step.args().toArray(String[]::new));
      if (code != Cli.OK) {
        System.err.println("demo: " + step.name() + " failed (exit code " + code + ")");
        return code;
      }
    }
    return Cli.OK;
  }

  /** The demo's steps in order. */
  static List<Step> steps(Path home, List<String> featuresArgs) {
    String conf = home.resolve("conf/demo.conf").toString();
    Path out = home.resolve("out/demo");
    Path tables = out.resolve("features");
    Path train = out.resolve("train");
    List<Step> steps = new ArrayList<>();
    List<String> features = new ArrayList<>(List.of("run", "--conf", conf));
    features.addAll(featuresArgs);
    steps.add(new Step("features", FeaturesCli::run, features));
    for (String table : List.of("nsynth", "speech")) {
      steps.add(new Step("inspect " + table, FeaturesCli::run, List.of("inspect",
          tables.resolve(table).toString(), "--images", "2", "--out", out.resolve("images").toString())));
    }
    for (String[] model : MODELS) {
      List<String> args = new ArrayList<>(List.of("run", "--preset", model[0], "--conf", conf,
          "--table", tables.resolve(model[1]).toString(),
          "--output", train.resolve(model[0]).toString()));
      if (model[0].equals(SHARED)) {
        args.add("sharing.mode=shared");
      }
      steps.add(new Step("train " + model[0], TrainCli::run, args));
    }
    for (String table : List.of("nsynth", "speech")) {
      List<String> eval = new ArrayList<>(List.of("run", "--conf", conf, "--table",
          tables.resolve(table).toString(), "--split", "valid"));
      for (String[] model : MODELS) {
        if (model[1].equals(table)) {
          eval.addAll(List.of("--checkpoint", train.resolve(model[0]).toString()));
        }
      }
      eval.addAll(List.of("--output", out.resolve("eval").resolve(table).toString()));
      steps.add(new Step("eval " + table, EvalCli::run, eval));
    }
    steps.add(new Step("export auddsr", EvalCli::run, List.of("export", "--conf", conf,
        "--checkpoint", train.resolve("auddsr").toString(), "--table",
        tables.resolve("speech").toString(), "--output", out.resolve("tokens/auddsr").toString())));
    return steps;
  }
}
