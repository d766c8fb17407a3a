package org.melforge.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parsed command-line arguments of a job's CLI: {@code --option value} pairs, valueless
 * {@code --switch}es, {@code key=value} configuration overrides and positionals.
 */
public record Args(List<String[]> flags, List<String> assignments, List<String> positionals) {

  /**
   * Parses {@code args} from index {@code from}; options not in {@code options} or
   * {@code switches} are rejected, naming the known ones.
   */
  public static Args parse(String[] args, int from, Set<String> options, Set<String> switches) {
    List<String[]> flags = new ArrayList<>();
    List<String> assignments = new ArrayList<>();
    List<String> positionals = new ArrayList<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (switches.contains(a)) {
        flags.add(new String[] {a, "true"});
      } else if (a.startsWith("--")) {
        if (!options.contains(a)) {
          throw new IllegalArgumentException("unknown option '" + a + "' (known: "
              + new java.util.TreeSet<>(union(options, switches)) + ")");
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + a + " needs a value");
        }
        flags.add(new String[] {a, args[++i]});
      } else if (a.contains("=")) {
        assignments.add(a);
      } else {
        positionals.add(a);
      }
    }
    return new Args(flags, assignments, positionals);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** The value of an option given at most once. */
  public Optional<String> one(String flag) {
    List<String> all = all(flag);
    if (all.size() > 1) {
      throw new IllegalArgumentException("option " + flag + " given " + all.size() + " times");
    }
    return all.stream().findFirst();
  }

  /** Whether a switch (or option) was given. */
  public boolean has(String flag) {
    return !all(flag).isEmpty();
  }

  /** Every value of an option, in order. */
  public List<String> all(String flag) {
    return flags.stream().filter(f -> f[0].equals(flag)).map(f -> f[1]).toList();
  }

  /** The positional argument at {@code index}, named {@code name} in the error if missing. */
  public String positional(int index, String name) {
    if (positionals.size() <= index) {
      throw new IllegalArgumentException("missing argument " + name);
    }
    return positionals.get(index);
  }
}
