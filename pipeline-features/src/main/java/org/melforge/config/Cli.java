package org.melforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The shell every job's command line shares: a verb, then {@link Args}; exit codes {@link #OK},
 * {@link #USAGE} (bad arguments or configuration: nothing ran) and {@link #FAILED}; errors as one
 * line on stderr prefixed with the command's name, stack traces in the log.
 */
public final class Cli {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private Cli() {}

  /** One verb of a command: runs with the parsed arguments and returns the exit code. */
  @FunctionalInterface
  public interface Verb {
    int run(Args args) throws Exception;
  }

  /**
   * Runs {@code args[0]} among {@code verbs} with the rest parsed against {@code options} and
   * {@code switches}; {@code usage} is printed for a missing or unknown verb.
   */
  public static int run(String name, String usage, String[] args, Set<String> options,
      Set<String> switches, Map<String, Verb> verbs, Logger log) {
    if (args.length == 0) {
      System.err.println(usage);
      return USAGE;
    }
    try {
      Verb verb = verbs.get(args[0]);
      if (verb == null) {
        System.err.println(name + ": unknown verb '" + args[0] + "'\n" + usage);
        return USAGE;
      }
      return verb.run(Args.parse(args, 1, options, switches));
    } catch (IllegalArgumentException e) {
      System.err.println(name + ": " + e.getMessage());
      return USAGE;
    } catch (Exception e) {
      log.error(name + " failed", e);
      System.err.println(name + ": failed: " + rootCause(e));
      return FAILED;
    }
  }

  /** Prints every key of {@code schemas} with its default (from the bundled defaults) and meaning. */
  public static int printKeys(List<ConfigSchema> schemas) {
    Config defaults = ConfigLoader.load(null, List.of());
    for (ConfigSchema schema : schemas) {
      for (Setting s : schema.settings()) {
        String key = schema.section() + "." + s.path();
        String value = defaults.hasPath(key)
            ? defaults.getValue(key).render(ConfigRenderOptions.concise()) : "";
        System.out.printf("%-40s %-24s %s%n", key, value, s.description()
            + (s.allowed().isEmpty() ? "" : " " + s.allowed()));
      }
    }
    return OK;
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t + ")";
  }
}
