package org.melforge.features;

import static org.melforge.config.Setting.choice;
import static org.melforge.config.Setting.integer;
import static org.melforge.config.Setting.number;
import static org.melforge.config.Setting.objectList;
import static org.melforge.config.Setting.string;
import static org.melforge.config.Setting.stringMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.melforge.config.ConfigSchema;
import org.melforge.config.Setting;
import org.melforge.corpus.SplitMode;

/** The documented keys of the {@code features} and {@code spark} sections. */
final class FeaturesSchema {

  static final List<String> PROFILES = List.of("nsynth", "speech");

  private FeaturesSchema() {}

  static ConfigSchema features() {
    List<Setting> settings = new ArrayList<>(List.of(
        objectList("inputs", "corpora to read: [{path, layout, dataset, profile, split}]"),
        string("output", "output root, a Hadoop URI"),
        integer("partitions", 0, 1_000_000, "decode partitions, 0 = files / files-per-partition"),
        integer("files-per-partition", 1, 1_000_000, "files per decode partition when partitions = 0"),
        integer("target-file-mb", 1, 16_384, "approximate Parquet file size (MiB of tensors)"),
        number("max-error-fraction", 0, 1, "error fraction above which the job exits non-zero"),
        number("nsynth-clip-seconds", 0.1, 3600, "NSynth note length; shorter notes are padded"),
        number("split.train", 0, 1, "train ratio of hash splits"),
        number("split.valid", 0, 1, "valid ratio of hash splits"),
        number("split.test", 0, 1, "test ratio of hash splits"),
        string("split.salt", "salt of the split hash"),
        integer("progress-interval-seconds", 1, 3600, "seconds between progress lines")));
    for (String p : PROFILES) {
      String k = "profiles." + p + ".";
      settings.addAll(List.of(
          integer(k + "sample-rate", 1000, 192_000, "sample rate audio is resampled to"),
          integer(k + "n-fft", 16, 65_536, "FFT size, a power of two"),
          integer(k + "win-length", 16, 65_536, "Hann window length, <= n-fft"),
          integer(k + "hop-length", 1, 65_536, "hop between frames"),
          integer(k + "n-mels", 1, 1024, "mel bins"),
          number(k + "f-min", 0, 96_000, "lowest filter frequency (Hz)"),
          number(k + "f-max", 1, 96_000, "highest filter frequency (Hz), <= sample-rate / 2"),
          choice(k + "mel-scale", List.of("slaney", "htk"), "mel scale and normalisation"),
          integer(k + "frames", 1, 1_000_000, "frames T per tensor"),
          choice(k + "windows", List.of("first", "consecutive"), "which windows of a clip become rows")));
    }
    ConfigSchema input = ConfigSchema.of("input", List.of(
        string("path", "corpus root, a Hadoop URI"),
        choice("layout", List.of("auto", "nsynth", "librispeech", "folder"), "corpus layout"),
        string("dataset", "dataset partition name"),
        choice("profile", PROFILES, "target tensor table"),
        choice("split", SplitMode.NAMES,
            "official split if any, else hash; hash of the source id; group: hash of the instrument (nsynth) "
                + "or speaker (librispeech); or one fixed split")),
        Set.of("layout", "dataset", "profile", "split"));
    return ConfigSchema.of("features", settings, Set.of()).withElements("inputs", input);
  }

  static ConfigSchema spark() {
    return ConfigSchema.of("spark", List.of(stringMap("settings", "extra Spark settings")), Set.of());
  }
}
