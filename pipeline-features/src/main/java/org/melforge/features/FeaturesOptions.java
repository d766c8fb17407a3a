package org.melforge.features;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.melforge.config.ConfigValidationException;
import org.melforge.corpus.CorpusInput;
import org.melforge.corpus.Layout;
import org.melforge.corpus.SplitMode;
import org.melforge.corpus.SplitPolicy;
import org.melforge.dsp.MelScale;
import org.melforge.dsp.MelSettings;

/**
 * The validated options of the features job, built from the {@code features} and {@code spark}
 * config sections. Construction fails with every problem listed, naming the key.
 *
 * @param inputs corpora to read, in order
 * @param output output root (Hadoop URI)
 * @param partitions decode partitions; 0 means files / filesPerPartition
 * @param filesPerPartition files per partition when {@code partitions} is 0
 * @param targetFileMb approximate size of the Parquet files written, in MiB of tensor data
 * @param maxErrorFraction error fraction above which the run counts as failed
 * @param nsynthClipSeconds NSynth note length; shorter notes are padded with a warning
 * @param splits hash split policy (inputs without an official split, {@code split = hash} or {@code group})
 * @param progressIntervalSeconds seconds between console progress lines
 * @param profiles tensor table profiles by name
 * @param sparkSettings extra Spark settings
 */
public record FeaturesOptions(
    List<Input> inputs,
    String output,
    int partitions,
    int filesPerPartition,
    int targetFileMb,
    double maxErrorFraction,
    double nsynthClipSeconds,
    SplitPolicy splits,
    int progressIntervalSeconds,
    Map<String, TableProfile> profiles,
    Map<String, String> sparkSettings) {

  /**
   * One corpus to read as configured; null layout, dataset or profile are resolved by the job
   * (layout detection, then the layout's default dataset name and table).
   */
  public record Input(String path, Layout layout, String dataset, String profile, SplitMode split) {}

  /** Validates {@code config} (see {@code conf/defaults.conf}) and builds the options. */
  public static FeaturesOptions from(Config config) {
    FeaturesSchema.features().validate(config);
    FeaturesSchema.spark().validate(config);
    Config f = config.getConfig("features");
    List<String> problems = new ArrayList<>();
    Map<String, TableProfile> profiles = new LinkedHashMap<>();
    for (String name : FeaturesSchema.PROFILES) {
      profile(f.getConfig("profiles." + name), name, problems).ifPresent(p -> profiles.put(name, p));
    }
    SplitPolicy splits = null;
    try {
      splits = new SplitPolicy(f.getDouble("split.train"), f.getDouble("split.valid"),
          f.getDouble("split.test"), f.getString("split.salt"));
    } catch (IllegalArgumentException e) {
      problems.add("features.split: " + e.getMessage());
    }
    List<Input> inputs = inputs(f, problems);
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(problems);
    }
    Map<String, String> spark = org.melforge.spark.SparkRuntime.settings(config);
    return new FeaturesOptions(List.copyOf(inputs), f.getString("output"), f.getInt("partitions"),
        f.getInt("files-per-partition"), f.getInt("target-file-mb"), f.getDouble("max-error-fraction"),
        f.getDouble("nsynth-clip-seconds"), splits, f.getInt("progress-interval-seconds"),
        Map.copyOf(profiles), Map.copyOf(spark));
  }

  private static List<Input> inputs(Config f, List<String> problems) {
    List<Input> inputs = new ArrayList<>();
    List<? extends Config> list = f.getConfigList("inputs");
    if (list.isEmpty()) {
      problems.add("features.inputs: no corpus given (set features.inputs or pass --input PATH)");
    }
    for (int i = 0; i < list.size(); i++) {
      Config c = list.get(i);
      String layoutName = c.hasPath("layout") ? c.getString("layout").toLowerCase(Locale.ROOT) : "auto";
      Layout layout = layoutName.equals("auto") ? null : Layout.parse(layoutName);
      String dataset = c.hasPath("dataset") ? c.getString("dataset") : null;
      String profile = c.hasPath("profile") ? c.getString("profile").toLowerCase(Locale.ROOT) : null;
      SplitMode split = c.hasPath("split") ? SplitMode.parse(c.getString("split")) : SplitMode.OFFICIAL;
      inputs.add(new Input(c.getString("path"), layout, dataset, profile, split));
      requireGroupKey(i, inputs.get(i), problems);
    }
    return inputs;
  }

  /** {@code split = group} on a configured layout without a group key; a detected layout is checked by the job. */
  private static void requireGroupKey(int index, Input in, List<String> problems) {
    if (in.layout() != null) {
      try {
        CorpusInput.requireGroupKey(in.path(), in.layout(), in.split());
      } catch (IllegalArgumentException e) {
        problems.add("features.inputs[" + index + "].split: " + e.getMessage());
      }
    }
  }

  private static java.util.Optional<TableProfile> profile(Config p, String name, List<String> problems) {
    try {
      MelSettings mel = new MelSettings(p.getInt("sample-rate"), p.getInt("n-fft"), p.getInt("win-length"),
          p.getInt("hop-length"), p.getInt("n-mels"), p.getDouble("f-min"), p.getDouble("f-max"),
          MelScale.parse(p.getString("mel-scale")));
      TableProfile.Windows windows = TableProfile.Windows.valueOf(p.getString("windows").toUpperCase(Locale.ROOT));
      return java.util.Optional.of(new TableProfile(name, mel, p.getInt("frames"), windows));
    } catch (IllegalArgumentException e) {
      problems.add("features.profiles." + name + ": " + e.getMessage());
      return java.util.Optional.empty();
    }
  }
}
