package org.melforge.corpus;

import java.io.Serializable;

/** One line of a LibriSpeech {@code trans.txt}, with the flac file it describes. */
final class Transcript implements Serializable {

  private static final long serialVersionUID = 1L;

  final String text;
  /** Qualified path of the flac the line belongs to, next to its trans.txt. */
  final String flacPath;
  final String transFile;
  /** Null for a usable line. */
  final String problem;

  Transcript(String text, String flacPath, String transFile, String problem) {
    this.text = text;
    this.flacPath = flacPath;
    this.transFile = transFile;
    this.problem = problem;
  }

  /** What is left when an utterance has more than one transcript line. */
  static Transcript conflict(Transcript a, Transcript b) {
    String first = a.flacPath.compareTo(b.flacPath) <= 0 ? a.flacPath : b.flacPath;
    return new Transcript(null, first, a.transFile, "more than one transcript line for the utterance (in "
        + a.transFile + " and " + b.transFile + ")");
  }
}
