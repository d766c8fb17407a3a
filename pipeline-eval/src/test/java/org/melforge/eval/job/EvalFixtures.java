package org.melforge.eval.job;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.melforge.model.ModelSpec;
import org.melforge.model.TinyPresets;
import org.melforge.sharing.SharingOptions;
import org.melforge.spark.TestSpark;
import org.melforge.training.SampleTables;
import org.melforge.training.TrainJob;
import org.melforge.training.TrainOptions;

/**
 * What the eval tests evaluate, made once per test JVM by the real jobs: the sample tables (the
 * features job on the bundled corpora) and a tiny checkpoint of every model family trained on its
 * table (one epoch of a few steps, one JVM), under {@code target/eval-fixtures}.
 */
public final class EvalFixtures {

  /** The tiny preset of each family and the table it is trained on. */
  static final Map<String, String> PRESETS = Map.of("vqvae-80x128-tiny", "nsynth",
      "timbre-vae-tiny", "nsynth", "bsq-cnn-80x128-tiny", "nsynth", "vqvae-128x320-tiny", "speech",
      "auddsr-tiny", "speech");

  private static EvalFixtures fixtures;

  private final SparkSession spark;
  private final Path root;
  private final SampleTables tables;
  private final Map<String, Path> runs = new LinkedHashMap<>();

  private EvalFixtures(SparkSession spark, Path root) {
    this.spark = spark;
    this.root = root;
    this.tables = SampleTables.write(spark, root.resolve("features"));
  }

  public static synchronized EvalFixtures get() {
    if (fixtures == null) {
      Path root = Path.of("target/eval-fixtures").toAbsolutePath();
      delete(root);
      fixtures = new EvalFixtures(TestSpark.get(), root);
    }
    return fixtures;
  }

  public SparkSession spark() {
    return spark;
  }

  /** The folder of the fixtures; tests write below it. */
  public Path root() {
    return root;
  }

  /** The table folder {@code preset} is trained on. */
  public String table(String preset) {
    return PRESETS.get(preset).equals("nsynth") ? tables.nsynth() : tables.speech();
  }

  /** The training output of {@code preset} on its table, trained on first use. */
  public synchronized Path run(String preset) {
    return runs.computeIfAbsent(preset,
        p -> train(p, table(p), root.resolve("train").resolve(p)));
  }

  /** Trains {@code preset} on {@code table} into {@code output} (one epoch of a few steps). */
  public Path train(String preset, String table, Path output) {
    Config c = TinyPresets.config(preset, "train.table=\"" + table + "\"",
        "train.output=\"" + output + "\"", "train.epochs=1", "train.batch-size=4",
        "train.max-batches-per-epoch=3", "train.seed=3", "sharing.mode=single");
    new TrainJob(spark, ModelSpec.from(c), TrainOptions.from(c), SharingOptions.from(c)).execute();
    return output;
  }

  /** The options of an evaluation of {@code checkpoints} on {@code table}'s {@code split}. */
  static EvalOptions options(List<String> checkpoints, String table, String split, Path output,
      String... overrides) {
    List<String> all = new ArrayList<>(List.of(
        "eval.checkpoints=[" + String.join(",", checkpoints.stream().map(c -> "\"" + c + "\"")
            .toList()) + "]",
        "eval.table=\"" + table + "\"", "eval.split=\"" + split + "\"",
        "eval.output=\"" + output + "\"", "eval.batch-size=4"));
    all.addAll(List.of(overrides));
    return EvalOptions.from(org.melforge.config.ConfigLoader.load(null, all));
  }

  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
