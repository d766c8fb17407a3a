package org.melforge.config;

import java.util.List;

/** Every problem found in a configuration, one per line. */
public final class ConfigValidationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigValidationException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, each naming the key and what is allowed. */
  public List<String> problems() {
    return problems;
  }
}
