package org.melforge.eval.report;

import java.util.List;
import java.util.Objects;

/**
 * What the eval job's {@code report.html} shows: the evaluated tensor table and split, and one
 * {@link ModelResult} per evaluated checkpoint.
 *
 * @param title page title
 * @param table the tensor table the checkpoints were evaluated on
 * @param split the split of that table
 * @param models results in the order the page shows them
 */
public record Report(String title, String table, String split, List<ModelResult> models) {

  /** Checks for nulls and keeps an unmodifiable copy of {@code models}. */
  public Report {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(split, "split");
    models = List.copyOf(models);
  }
}
