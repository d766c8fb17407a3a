package org.melforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Loads a job's configuration: the defaults bundled in the jar ({@code conf/defaults.conf}), then
 * an optional user file (any Hadoop URI, so a cluster-mode driver can read it from HDFS or S3),
 * then {@code key=value} overrides from the command line, later winning.
 */
public final class ConfigLoader {

  /** Classpath copy of {@code conf/defaults.conf}. */
  public static final String DEFAULTS_RESOURCE = "melforge/defaults.conf";

  private ConfigLoader() {}

  /**
   * @param file a HOCON file (local path or Hadoop URI), or null
   * @param overrides HOCON assignments such as {@code features.output=/tmp/x}
   */
  public static Config load(String file, List<String> overrides) {
    return load(ConfigFactory.empty(), file, overrides);
  }

  /**
   * Like {@link #load(String, List)} with a {@code base} layer (e.g. a model preset) between the
   * defaults and the file.
   */
  public static Config load(Config base, String file, List<String> overrides) {
    Config config = ConfigFactory.empty();
    for (int i = overrides.size() - 1; i >= 0; i--) {
      config = config.withFallback(parseOverride(overrides.get(i)));
    }
    if (file != null) {
      config = config.withFallback(ConfigFactory.parseString(read(file),
          ConfigParseOptions.defaults().setOriginDescription(file)));
    }
    Config defaults = ConfigFactory.parseResources(DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    return config.withFallback(base).withFallback(defaults).resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(true));
  }

  /** Reads a config file through the Hadoop FileSystem API (local path, hdfs://, s3a://). */
  private static String read(String file) {
    Path path = new Path(file);
    try (InputStream in = path.getFileSystem(new Configuration()).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      throw new ConfigValidationException(List.of("config file '" + file + "' does not exist"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read config file " + file, e);
    }
  }

  /**
   * One {@code key=value} override. Messages name the key, never the value (it may be a secret).
   * A bare value holding {@code //} or {@code #}, which HOCON would cut as a comment (an
   * {@code s3a://} path), is taken as a string; such text inside a list or object must be quoted.
   */
  private static Config parseOverride(String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigValidationException(List.of("an override (" + assignment.length()
          + " characters, not shown) is not of the form key=value (e.g."
          + " features.output=/tmp/out)"));
    }
    String key = assignment.substring(0, eq).trim();
    String value = assignment.substring(eq + 1).trim();
    boolean structured = value.startsWith("[") || value.startsWith("{") || value.startsWith("\"");
    if (commentOutsideQuotes(value)) {
      if (structured) {
        throw new ConfigValidationException(List.of("override of '" + key + "': its value holds"
            + " '//' or '#' outside quotes, which HOCON reads as a comment; quote that string"));
      }
      value = ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise());
    }
    try {
      return ConfigFactory.parseString(key + " = " + value);
    } catch (ConfigException e) {
      throw new ConfigValidationException(List.of("override of '" + key + "' does not parse as"
          + " HOCON (the value is not shown: it may be a secret); quote strings that hold spaces"
          + " or special characters"));
    }
  }

  private static boolean commentOutsideQuotes(String value) {
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '#' || c == '/' && i + 1 < value.length()
          && value.charAt(i + 1) == '/')) {
        return true;
      }
    }
    return false;
  }
}
