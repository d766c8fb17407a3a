package org.melforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The documented keys of one config section (e.g. {@code features}) and of the objects inside its
 * object lists. {@link #validate} collects every unknown key, wrong type and impossible value at
 * once, so a user fixes the whole file in one go, before any Spark work starts.
 */
public final class ConfigSchema {

  private final String section;
  private final Map<String, Setting> settings = new LinkedHashMap<>();
  private final Map<String, ConfigSchema> elements = new LinkedHashMap<>();
  private final Set<String> optional;

  private ConfigSchema(String section, List<Setting> settings, Set<String> optional) {
    this.section = section;
    settings.forEach(s -> this.settings.put(s.path(), s));
    this.optional = Set.copyOf(optional);
  }

  /** A schema for the keys under {@code section}; keys in {@code optional} may be absent. */
  public static ConfigSchema of(String section, List<Setting> settings, Set<String> optional) {
    return new ConfigSchema(section, settings, optional);
  }

  /** Declares the schema of each element of the object list at {@code path}. */
  public ConfigSchema withElements(String path, ConfigSchema elementSchema) {
    elements.put(path, elementSchema);
    return this;
  }

  /** The declared settings, in declaration order. */
  public List<Setting> settings() {
    return List.copyOf(settings.values());
  }

  /** The section name, e.g. {@code features}. */
  public String section() {
    return section;
  }

  /**
   * Validates {@code root}'s section; throws {@link ConfigValidationException} listing every problem.
   */
  public void validate(Config root) {
    List<String> problems = new ArrayList<>();
    if (!root.hasPath(section)) {
      throw new ConfigValidationException(List.of("section '" + section + "' is missing"));
    }
    collect(root.getConfig(section), section, problems);
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(problems);
    }
  }

  private void collect(Config config, String prefix, List<String> problems) {
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      String key = e.getKey();
      if (!settings.containsKey(key) && settings.keySet().stream().noneMatch(k -> isUnderMap(k, key))) {
        problems.add(prefix + "." + key + ": unknown key" + suggestion(key));
      }
    }
    for (Setting s : settings.values()) {
      if (optional.contains(s.path()) && !config.hasPath(s.path())) {
        continue;
      }
      s.check(config, prefix + "." + s.path()).ifPresent(problems::add);
    }
    elements.forEach((path, schema) -> {
      if (config.hasPath(path) && config.getValue(path).valueType() == ConfigValueType.LIST) {
        try {
          List<? extends Config> items = config.getConfigList(path);
          for (int i = 0; i < items.size(); i++) {
            schema.collect(items.get(i), prefix + "." + path + "[" + i + "]", problems);
          }
        } catch (com.typesafe.config.ConfigException.WrongType ignored) {
          // reported by the list setting itself
        }
      }
    });
  }

  private boolean isUnderMap(String settingPath, String key) {
    return settings.get(settingPath).kind() == Setting.Kind.STRING_MAP && key.startsWith(settingPath + ".");
  }

  private String suggestion(String key) {
    return settings.keySet().stream()
        .min(Comparator.comparingInt(k -> distance(k, key)))
        .filter(k -> distance(k, key) <= Math.max(3, key.length() / 3))
        .map(k -> " (did you mean '" + k + "'?)")
        .orElse(" (known keys: " + String.join(", ", settings.keySet()) + ")");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
