package org.melforge.corpus;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the split of an input's sources comes from: the corpus's official split ({@code official},
 * falling back to the hash when the corpus has none), always the {@link SplitPolicy} hash of the
 * source id ({@code hash}), or one fixed split for every source ({@code train}, {@code valid},
 * {@code test}).
 */
public enum SplitMode {
  OFFICIAL, HASH, TRAIN, VALID, TEST;

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

  /** The split of {@code sourceId}, given the corpus's {@code official} split (null when it has none). */
  String assign(String official, String sourceId, SplitPolicy policy) {
    return switch (this) {
      case OFFICIAL -> official != null ? official : policy.assign(sourceId);
      case HASH -> policy.assign(sourceId);
      case TRAIN, VALID, TEST -> configName();
    };
  }
}
