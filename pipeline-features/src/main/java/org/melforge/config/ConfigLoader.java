package org.melforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.io.File;
import java.util.List;

/**
 * Loads a job's configuration: the defaults bundled in the jar ({@code conf/defaults.conf}), then
 * an optional user file, then {@code key=value} overrides from the command line, later winning.
 */
public final class ConfigLoader {

  /** Classpath copy of {@code conf/defaults.conf}. */
  public static final String DEFAULTS_RESOURCE = "melforge/defaults.conf";

  private ConfigLoader() {}

  /**
   * @param file a HOCON file on the local disk of the submitting machine, or null
   * @param overrides HOCON assignments such as {@code features.output=/tmp/x}
   */
  public static Config load(String file, List<String> overrides) {
    Config config = ConfigFactory.empty();
    for (int i = overrides.size() - 1; i >= 0; i--) {
      config = config.withFallback(parseOverride(overrides.get(i)));
    }
    if (file != null) {
      File f = new File(file);
      if (!f.isFile()) {
        throw new ConfigValidationException(List.of("config file '" + file + "' does not exist"));
      }
      config = config.withFallback(ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false)));
    }
    Config defaults = ConfigFactory.parseResources(DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    return config.withFallback(defaults).resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(true));
  }

  private static Config parseOverride(String assignment) {
    if (!assignment.contains("=")) {
      throw new ConfigValidationException(List.of(
          "override '" + assignment + "' is not of the form key=value (e.g. features.output=/tmp/out)"));
    }
    try {
      return ConfigFactory.parseString(assignment);
    } catch (ConfigException e) {
      throw new ConfigValidationException(List.of("override '" + assignment + "' does not parse: " + e.getMessage()));
    }
  }
}
