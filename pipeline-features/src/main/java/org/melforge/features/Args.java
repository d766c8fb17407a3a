package org.melforge.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Parsed command-line arguments: {@code --flag value} pairs, {@code key=value} overrides, positionals. */
record Args(List<String[]> flags, List<String> assignments, List<String> positionals) {

  private static final Set<String> FLAGS =
      Set.of("--conf", "--input", "--output", "--out", "--images", "--dataset", "--split", "--limit");

  static Args parse(String[] args, int from) {
    List<String[]> flags = new ArrayList<>();
    List<String> assignments = new ArrayList<>();
    List<String> positionals = new ArrayList<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        if (!FLAGS.contains(a)) {
          throw new IllegalArgumentException("unknown option '" + a + "' (known: " + FLAGS + ")");
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

  Optional<String> one(String flag) {
    List<String> all = all(flag);
    if (all.size() > 1) {
      throw new IllegalArgumentException("option " + flag + " given " + all.size() + " times");
    }
    return all.stream().findFirst();
  }

  List<String> all(String flag) {
    return flags.stream().filter(f -> f[0].equals(flag)).map(f -> f[1]).toList();
  }

  String positional(int index, String name) {
    if (positionals.size() <= index) {
      throw new IllegalArgumentException("missing argument " + name);
    }
    return positionals.get(index);
  }
}
