package org.melforge;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's shared test corpora ({@code shared/data} beside the repository checkout, as on CI
 * and the developers' machines; a user's fresh clone has none). Tests that use them skip
 * themselves where the folder is absent.
 */
public final class SharedData {

  private SharedData() {}

  /** {@code ../shared/data} seen from the repository root (tests run in the module folder). */
  public static Path root() {
    return Path.of("../../shared/data").toAbsolutePath().normalize();
  }

  /** True when the shared corpora are present. */
  public static boolean present() {
    return Files.isDirectory(root());
  }
}
