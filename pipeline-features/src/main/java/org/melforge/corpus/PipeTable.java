package org.melforge.corpus;

import java.util.Arrays;
import java.util.List;

/**
 * LibriSpeech's pipe-separated metadata tables (SPEAKERS.TXT, CHAPTERS.TXT): lines starting with
 * ';' are comments, data lines are '|'-separated columns padded with blanks.
 */
final class PipeTable {

  private PipeTable() {}

  /**
   * The trimmed columns of a data line, or an empty list for comments and blank lines. The line is
   * cut into at most {@code columns} columns, so the last one keeps any further '|' (reader names
   * such as {@code |CBW|Simon}).
   */
  static List<String> columns(String line, int columns) {
    String trimmed = line.strip();
    if (trimmed.isEmpty() || trimmed.startsWith(";")) {
      return List.of();
    }
    return Arrays.stream(trimmed.split("\\|", columns)).map(String::strip).toList();
  }
}
