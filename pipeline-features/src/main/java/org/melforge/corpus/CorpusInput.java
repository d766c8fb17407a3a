package org.melforge.corpus;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One corpus to catalog.
 *
 * @param path Hadoop URI of the corpus root folder (local path, {@code file:}, {@code hdfs://}, {@code s3a://})
 * @param layout how the folder is organised; {@code null} to {@link Layout#detect detect} it
 * @param dataset dataset name written to every catalog row
 * @param splits the hash split assignment
 * @param splitMode whether sources keep the corpus's official split, are hashed by source id or by
 *     group key, or all go to one split
 */
public record CorpusInput(String path, Layout layout, String dataset, SplitPolicy splits, SplitMode splitMode)
    implements Serializable {

  /**
   * Rejects a blank path or dataset, a missing split policy or mode, and {@code split = group} on a
   * layout without a group key ({@link #requireGroupKey}).
   */
  public CorpusInput {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("corpus path is empty");
    }
    if (dataset == null || dataset.isBlank()) {
      throw new IllegalArgumentException("dataset name is empty for corpus " + path);
    }
    Objects.requireNonNull(splits, "splits");
    Objects.requireNonNull(splitMode, "splitMode");
    if (layout != null) {
      requireGroupKey(path, layout, splitMode);
    }
  }

  /**
   * Refuses {@code split = group} for a layout without a {@link Layout#groupKey() group key} (a plain
   * folder), naming the input's path, the setting and the layouts that have one.
   *
   * @throws IllegalArgumentException when {@code mode} is {@code group} and {@code layout} has no group key
   */
  public static void requireGroupKey(String path, Layout layout, SplitMode mode) {
    if (mode == SplitMode.GROUP && layout.groupKey().isEmpty()) {
      String keys = Arrays.stream(Layout.values()).filter(l -> l.groupKey().isPresent())
          .map(l -> l.configName() + ": " + l.groupKey().get()).collect(Collectors.joining(", "));
      throw new IllegalArgumentException("input " + path + ": split = group hashes a group key (" + keys
          + ") but layout " + layout.configName() + " has none; use split = hash");
    }
  }

  /** The name of the group key {@code split = group} hashes ({@link Layout#groupKey()}), null under other modes. */
  public String groupKey() {
    return splitMode == SplitMode.GROUP ? layout.groupKey().orElseThrow() : null;
  }

  /**
   * The split of {@code sourceId} under {@link #splitMode}; {@code official} is null when the corpus
   * has none, {@code group} (the source's value of the group key) when the source lacks it.
   */
  String split(String official, String sourceId, String group) {
    return splitMode.assign(official, sourceId, group, splits);
  }
}
