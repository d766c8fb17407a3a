package org.melforge.training;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.melforge.config.ConfigLoader;
import org.melforge.features.FeaturesJob;
import org.melforge.features.FeaturesOptions;

/**
 * Features tables written by the real features job from the bundled samples: {@code nsynth}
 * (80x128) and {@code speech} (128x320, dev-clean split by hash so it has train rows).
 *
 * @param nsynth the NSynth table folder
 * @param speech the speech table folder
 */
public record SampleTables(String nsynth, String speech) {

  private static final Path SAMPLES =
      Path.of("../pipeline-features/sample-data").toAbsolutePath().normalize();

  /** Runs the features job on the samples into {@code output}. */
  public static SampleTables write(SparkSession spark, Path output) {
    features(spark, output, "{path=\"" + SAMPLES.resolve("nsynth-mini") + "\"}, {path=\""
        + SAMPLES.resolve("librispeech-mini/LibriSpeech") + "\", split=hash}");
    return new SampleTables(output.resolve("nsynth").toString(),
        output.resolve("speech").toString());
  }

  /** Runs the features job on the NSynth sample alone into {@code output}; its table folder. */
  public static String writeNsynth(SparkSession spark, Path output) {
    features(spark, output, "{path=\"" + SAMPLES.resolve("nsynth-mini") + "\"}");
    return output.resolve("nsynth").toString();
  }

  private static void features(SparkSession spark, Path output, String inputs) {
    new FeaturesJob(spark, FeaturesOptions.from(ConfigLoader.load(null, List.of(
        "features.inputs=[" + inputs + "]", "features.output=\"" + output + "\"")))).execute();
  }
}
