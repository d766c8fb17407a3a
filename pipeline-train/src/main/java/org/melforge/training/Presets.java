package org.melforge.training;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.List;
import org.melforge.config.ConfigValidationException;

/**
 * The bundled model presets ({@code conf/presets/<name>.conf}, in the jar under
 * {@code melforge/presets/}): the models at their full sizes and a {@code -tiny} variant of
 * each (same graph, few channels) for tests and quick checks.
 */
public final class Presets {

  /** Every bundled preset name. */
  public static final List<String> NAMES = List.of("timbre-vae", "vqvae-80x128", "vqvae-128x320",
      "auddsr", "bsq-cnn-80x128", "bsq-cnn-128x320", "timbre-vae-tiny", "vqvae-80x128-tiny",
      "vqvae-128x320-tiny", "auddsr-tiny", "bsq-cnn-80x128-tiny", "bsq-cnn-128x320-tiny");

  private Presets() {}

  /** The preset's settings (a {@code model} and a {@code train} section). */
  public static Config load(String name) {
    if (!NAMES.contains(name)) {
      throw new ConfigValidationException(List.of("unknown preset '" + name + "'; presets: " + NAMES));
    }
    return ConfigFactory.parseResources("melforge/presets/" + name + ".conf",
        ConfigParseOptions.defaults().setAllowMissing(false));
  }
}
