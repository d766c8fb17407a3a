package org.melforge.metrics;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Metrics of a run, next to its checkpoints, as JSON lines and CSV (the same rows, a column per
 * metric), rewritten whole after each row (through a temporary file and a rename).
 * <ul>
 *   <li>{@code history.jsonl}/{@code .csv}, one row per epoch ({@link #epochs}): {@code epoch},
 *       {@code global_step}, {@code samples_per_second}, {@code wall_seconds}, then every training
 *       metric as {@code train_<name>} and every validation metric as {@code valid_<name>};
 *   <li>{@code rounds.jsonl}/{@code .csv}, one row per round of a few steps ({@link #rounds}):
 *       {@code epoch}, {@code round}, {@code global_step}, {@code samples_per_second},
 *       {@code wall_seconds} and the round's training metrics, the loss curve within epochs.
 * </ul>
 * A resumed run keeps the rows up to its checkpoint (by epoch, by global step).
 */
public final class MetricsHistory {

  public static final String JSONL = "history.jsonl";
  public static final String CSV = "history.csv";
  public static final String ROUNDS_JSONL = "rounds.jsonl";
  public static final String ROUNDS_CSV = "rounds.csv";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path root;
  private final String jsonlName;
  private final String csvName;
  private final List<Map<String, Object>> rows = new ArrayList<>();

  private MetricsHistory(FileSystem fs, Path root, String jsonlName, String csvName) {
    this.fs = fs;
    this.root = root;
    this.jsonlName = jsonlName;
    this.csvName = csvName;
  }

  /**
   * The per-epoch history in {@code root}, keeping existing rows up to epoch {@code keepEpochs}.
   *
   * @throws IllegalStateException when rows of epochs 1 to {@code keepEpochs} are missing (a
   *     resumed run must not silently start its history over)
   */
  public static MetricsHistory epochs(FileSystem fs, Path root, int keepEpochs) {
    MetricsHistory h = open(new MetricsHistory(fs, root, JSONL, CSV), "epoch", keepEpochs);
    Set<Long> present = h.rows.stream().map(r -> ((Number) r.get("epoch")).longValue())
        .collect(Collectors.toSet());
    List<Long> missing = java.util.stream.LongStream.rangeClosed(1, keepEpochs)
        .filter(e -> !present.contains(e)).boxed().toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("history " + new Path(root, JSONL) + " lacks the rows of"
          + " epochs " + missing + " that the checkpoint being resumed has trained");
    }
    return h;
  }

  /** Whether {@code root} holds a history of either kind. */
  public static boolean exists(FileSystem fs, Path root) throws IOException {
    for (String name : List.of(JSONL, CSV, ROUNDS_JSONL, ROUNDS_CSV)) {
      if (fs.exists(new Path(root, name))) {
        return true;
      }
    }
    return false;
  }

  /** Deletes both histories in {@code root} (for a run that replaces an earlier one). */
  public static void delete(FileSystem fs, Path root) throws IOException {
    for (String name : List.of(JSONL, CSV, ROUNDS_JSONL, ROUNDS_CSV)) {
      fs.delete(new Path(root, name), false);
    }
  }

  /** The per-round history in {@code root}, keeping existing rows up to step {@code keepSteps}. */
  public static MetricsHistory rounds(FileSystem fs, Path root, long keepSteps) {
    return open(new MetricsHistory(fs, root, ROUNDS_JSONL, ROUNDS_CSV), "global_step", keepSteps);
  }

  private static MetricsHistory open(MetricsHistory h, String key, long keep) {
    FileSystem fs = h.fs;
    Path file = new Path(h.root, h.jsonlName);
    try {
      Path source = keep > 0 && !fs.exists(file) && fs.exists(h.temporary(h.jsonlName))
          ? h.temporary(h.jsonlName) : file;
      if (keep > 0 && fs.exists(source)) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(source),
            StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            Map<String, Object> row = JSON.readValue(line, new TypeReference<>() {});
            if (((Number) row.get(key)).longValue() <= keep) {
              h.rows.add(row);
            }
          }
        }
      }
      return h;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Appends an epoch's row and rewrites both files. */
  public void append(int epoch, long globalStep, double samplesPerSecond, double wallSeconds,
      Map<String, Double> train, Map<String, Double> valid) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("epoch", epoch);
    row.put("global_step", globalStep);
    row.put("samples_per_second", samplesPerSecond);
    row.put("wall_seconds", wallSeconds);
    train.forEach((k, v) -> row.put("train_" + k, v));
    valid.forEach((k, v) -> row.put("valid_" + k, v));
    rows.add(row);
    write();
  }

  /** Appends a round's row and rewrites both files. */
  public void appendRound(int epoch, int round, long globalStep, double samplesPerSecond,
      double wallSeconds, Map<String, Double> train) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("epoch", epoch);
    row.put("round", round);
    row.put("global_step", globalStep);
    row.put("samples_per_second", samplesPerSecond);
    row.put("wall_seconds", wallSeconds);
    train.forEach((k, v) -> row.put("train_" + k, v));
    rows.add(row);
    write();
  }

  private void write() {
    StringBuilder jsonl = new StringBuilder();
    Set<String> columns = new LinkedHashSet<>();
    for (Map<String, Object> row : rows) {
      columns.addAll(row.keySet());
      try {
        jsonl.append(JSON.writeValueAsString(row)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
    for (Map<String, Object> row : rows) {
      csv.append(columns.stream().map(c -> row.containsKey(c) ? String.valueOf(row.get(c)) : "")
          .collect(Collectors.joining(","))).append('\n');
    }
    replace(jsonlName, jsonl.toString());
    replace(csvName, csv.toString());
  }

  /**
   * Where {@code name}'s new content is written whole before it replaces the file (delete, then
   * rename: a store without an atomic overwrite). A crash between the two leaves only this
   * complete copy, which {@link #open} then reads.
   */
  private Path temporary(String name) {
    return new Path(root, "_" + name + ".tmp");
  }

  private void replace(String name, String content) {
    Path tmp = temporary(name);
    Path target = new Path(root, name);
    try {
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename of " + tmp + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
