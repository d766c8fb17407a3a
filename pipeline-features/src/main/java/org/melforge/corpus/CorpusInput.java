package org.melforge.corpus;

import java.io.Serializable;
import java.util.Objects;

/**
 * One corpus to catalog.
 *
 * @param path Hadoop URI of the corpus root folder (local path, {@code file:}, {@code hdfs://}, {@code s3a://})
 * @param layout how the folder is organised; {@code null} to {@link Layout#detect detect} it
 * @param dataset dataset name written to every catalog row
 * @param splits the hash split assignment
 * @param splitMode whether sources keep the corpus's official split, are hashed, or all go to one split
 */
public record CorpusInput(String path, Layout layout, String dataset, SplitPolicy splits, SplitMode splitMode)
    implements Serializable {

  /** Rejects a blank path or dataset and a missing split policy or mode. */
  public CorpusInput {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("corpus path is empty");
    }
    if (dataset == null || dataset.isBlank()) {
      throw new IllegalArgumentException("dataset name is empty for corpus " + path);
    }
    Objects.requireNonNull(splits, "splits");
    Objects.requireNonNull(splitMode, "splitMode");
  }

  /** The split of {@code sourceId} under {@link #splitMode}; {@code official} is null when the corpus has none. */
  String split(String official, String sourceId) {
    return splitMode.assign(official, sourceId, splits);
  }
}
