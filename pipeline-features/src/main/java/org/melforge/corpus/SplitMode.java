package org.melforge.corpus;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the split of an input's sources comes from: the corpus's official split ({@code official},
 * falling back to the hash when the corpus has none), always the {@link SplitPolicy} hash of the
 * source id ({@code hash}), the same hash of the source's group key ({@code group}: every source of
 * one NSynth instrument or one LibriSpeech speaker in one split, see {@link Layout#groupKey()}), or
 * one fixed split for every source ({@code train}, {@code valid}, {@code test}).
 */
public enum SplitMode {
  OFFICIAL, HASH, GROUP, TRAIN, VALID, TEST;

  /** The configuration names, e.g. {@code official}. */
  public static final List<String> NAMES = Arrays.stream(values()).map(SplitMode::configName).toList();

  /** Parses a configuration name, case-insensitively. */
  public static SplitMode parse(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(m -> m.configName().equals(n)).findFirst().orElseThrow(() ->
        new IllegalArgumentException("split mode '" + name + "' is not one of " + NAMES));
  }

  /** The name used in configuration files. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The split of {@code sourceId}, given the corpus's {@code official} split (null when it has none)
   * and the value of the source's group key ({@code group}, null when the source lacks it). Under
   * {@code group} a source without a group value gets no split (null): only unusable items lack it.
   */
  String assign(String official, String sourceId, String group, SplitPolicy policy) {
    return switch (this) {
      case OFFICIAL -> official != null ? official : policy.assign(sourceId);
      case HASH -> policy.assign(sourceId);
      case GROUP -> group == null ? null : policy.assign(group);
      case TRAIN, VALID, TEST -> configName();
    };
  }
}
