package org.melforge.training;

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
 * Per-epoch metrics of a run, next to its checkpoints: {@code history.jsonl} (one JSON object per
 * epoch) and {@code history.csv} (the same rows, a column per metric). Keys: {@code epoch},
 * {@code global_step}, {@code samples_per_second}, {@code wall_seconds}, then every training
 * metric as {@code train_<name>} and every validation metric as {@code valid_<name>}. Both files
 * are rewritten whole after each epoch; a resumed run keeps the rows up to its checkpoint's epoch.
 */
public final class MetricsHistory {

  static final String JSONL = "history.jsonl";
  static final String CSV = "history.csv";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path root;
  private final List<Map<String, Object>> rows = new ArrayList<>();

  private MetricsHistory(FileSystem fs, Path root) {
    this.fs = fs;
    this.root = root;
  }

  /** The history in {@code root}, keeping existing rows up to {@code keepEpochs}. */
  public static MetricsHistory open(FileSystem fs, Path root, int keepEpochs) {
    MetricsHistory h = new MetricsHistory(fs, root);
    Path file = new Path(root, JSONL);
    try {
      if (keepEpochs > 0 && fs.exists(file)) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(file),
            StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            Map<String, Object> row = JSON.readValue(line, new TypeReference<>() {});
            if (((Number) row.get("epoch")).intValue() <= keepEpochs) {
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
    replace(JSONL, jsonl.toString());
    replace(CSV, csv.toString());
  }

  private void replace(String name, String content) {
    Path tmp = new Path(root, "_" + name + ".tmp");
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
