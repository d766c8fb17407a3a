package org.melforge.corpus;

import java.io.Serializable;
import java.util.Objects;

/**
 * One corpus to catalog.
 *
 * @param path Hadoop URI of the corpus root folder (local path, {@code file:}, {@code hdfs://}, {@code s3a://})
 * @param layout how the folder is organised; {@code null} to {@link Layout#detect detect} it
 * @param dataset dataset name written to every catalog row
 * @param splits split assignment for items without an official split
 */
public record CorpusInput(String path, Layout layout, String dataset, SplitPolicy splits) implements Serializable {

  /** Rejects a blank path or dataset and a missing split policy. */
  public CorpusInput {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("corpus path is empty");
    }
    if (dataset == null || dataset.isBlank()) {
      throw new IllegalArgumentException("dataset name is empty for corpus " + path);
    }
    Objects.requireNonNull(splits, "splits");
  }

  /** The official split when the corpus defines one, else the policy's split of {@code sourceId}. */
  String split(String official, String sourceId) {
    return official != null ? official : splits.assign(sourceId);
  }
}
