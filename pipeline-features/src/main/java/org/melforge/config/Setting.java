package org.melforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One documented configuration key: its path, kind, description and the values it allows.
 * {@link #check} returns the problem with a value in words that name the key and what is allowed.
 */
public record Setting(String path, Kind kind, String description, double min, double max, List<String> allowed) {

  /** The value kinds a key can hold. */
  public enum Kind { INT, DOUBLE, STRING, OPTIONAL_STRING, BOOLEAN, CHOICE, OBJECT_LIST, STRING_MAP, INT_LIST,
    STRING_LIST }

  public static Setting integer(String path, long min, long max, String description) {
    return new Setting(path, Kind.INT, description, min, max, List.of());
  }

  public static Setting number(String path, double min, double max, String description) {
    return new Setting(path, Kind.DOUBLE, description, min, max, List.of());
  }

  public static Setting string(String path, String description) {
    return new Setting(path, Kind.STRING, description, 0, 0, List.of());
  }

  /** A string that may be empty (empty meaning "not set"). */
  public static Setting optionalString(String path, String description) {
    return new Setting(path, Kind.OPTIONAL_STRING, description, 0, 0, List.of());
  }

  public static Setting bool(String path, String description) {
    return new Setting(path, Kind.BOOLEAN, description, 0, 0, List.of());
  }

  public static Setting choice(String path, List<String> allowed, String description) {
    return new Setting(path, Kind.CHOICE, description, 0, 0, List.copyOf(allowed));
  }

  /** A non-empty list of integers, each in [min, max]. */
  public static Setting integerList(String path, long min, long max, String description) {
    return new Setting(path, Kind.INT_LIST, description, min, max, List.of());
  }

  /** A non-empty list of non-empty strings (e.g. paths). */
  public static Setting stringList(String path, String description) {
    return new Setting(path, Kind.STRING_LIST, description, 0, 0, List.of());
  }

  /** A list of objects whose own keys are validated by the schema's element settings. */
  public static Setting objectList(String path, String description) {
    return new Setting(path, Kind.OBJECT_LIST, description, 0, 0, List.of());
  }

  /** A free-form object of string values (e.g. extra Spark settings). */
  public static Setting stringMap(String path, String description) {
    return new Setting(path, Kind.STRING_MAP, description, 0, 0, List.of());
  }

  /** The problem with this key's value in {@code config}, if any; a missing key is a problem. */
  public Optional<String> check(Config config, String displayPath) {
    if (!config.hasPath(path)) {
      return Optional.of(displayPath + ": missing (" + description + ")");
    }
    try {
      return switch (kind) {
        case INT -> range(displayPath, config.getLong(path));
        case DOUBLE -> range(displayPath, config.getDouble(path));
        case STRING -> config.getString(path).isBlank()
            ? Optional.of(displayPath + ": must not be empty (" + description + ")") : Optional.empty();
        case OPTIONAL_STRING -> {
          config.getString(path);
          yield Optional.empty();
        }
        case BOOLEAN -> {
          config.getBoolean(path);
          yield Optional.empty();
        }
        case CHOICE -> {
          String value = config.getString(path).toLowerCase(Locale.ROOT);
          yield allowed.contains(value) ? Optional.empty()
              : Optional.of(displayPath + ": '" + config.getString(path) + "' is not one of " + allowed);
        }
        case OBJECT_LIST -> {
          config.getConfigList(path);
          yield Optional.empty();
        }
        case INT_LIST -> {
          List<Long> values = config.getLongList(path);
          yield values.isEmpty() ? Optional.of(displayPath + ": must not be empty (" + description + ")")
              : values.stream().map(v -> range(displayPath, v)).flatMap(Optional::stream).findFirst();
        }
        case STRING_LIST -> {
          List<String> values = config.getStringList(path);
          yield values.isEmpty() || values.stream().anyMatch(String::isBlank)
              ? Optional.of(displayPath + ": must be a non-empty list of non-empty strings ("
                  + description + ")") : Optional.empty();
        }
        case STRING_MAP -> {
          Config map = config.getConfig(path);
          map.entrySet().forEach(e -> map.getString(e.getKey()));
          yield Optional.empty();
        }
      };
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      return Optional.of(displayPath + ": expected " + expected() + ", got "
          + config.getValue(path).valueType().name().toLowerCase(Locale.ROOT) + " "
          + config.getValue(path).render() + " (" + description + ")");
    }
  }

  private Optional<String> range(String displayPath, double value) {
    if (value < min || value > max) {
      return Optional.of(displayPath + ": " + format(value) + " is out of range [" + format(min) + ", "
          + format(max) + "] (" + description + ")");
    }
    return Optional.empty();
  }

  private String expected() {
    return switch (kind) {
      case INT -> "an integer";
      case DOUBLE -> "a number";
      case STRING, OPTIONAL_STRING, CHOICE -> "a string";
      case BOOLEAN -> "true or false";
      case OBJECT_LIST -> "a list of objects";
      case STRING_MAP -> "an object of string values";
      case INT_LIST -> "a list of integers";
      case STRING_LIST -> "a list of strings";
    };
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
