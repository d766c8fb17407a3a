package org.melforge.model.layers.nd4j;

import java.io.PrintStream;

/**
 * SameDiff 1.0.0-M2.1 prints {@code Added differentiated op <name>} with {@code System.out.println}
 * for every op of every SameDiff layer when it first builds the layer's gradient function (dozens
 * of lines at the start of training, unconditionally). {@link #install} replaces
 * {@code System.out} by a stream that drops exactly those lines and passes everything else. Part
 * of the ND4J/SameDiff fence (see {@code package-info.java}).
 */
public final class QuietSameDiff {

  static final String PREFIX = "Added differentiated op ";

  private QuietSameDiff() {}

  /** Filters {@code System.out} (idempotent). */
  public static synchronized void install() {
    if (!(System.out instanceof Filter)) {
      System.setOut(new Filter(System.out));
    }
  }

  private static final class Filter extends PrintStream {
    Filter(PrintStream out) {
      super(out, true);
    }

    @Override
    public void println(String line) {
      if (line == null || !line.startsWith(PREFIX)) {
        super.println(line);
      }
    }
  }
}
