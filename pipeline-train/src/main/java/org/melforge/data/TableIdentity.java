package org.melforge.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a checkpoint records of the tensor table it was trained on, to compare on resume: stored as
 * snake_case JSON ({@code path}, {@code schema_version}, {@code n_mels}, {@code n_frames},
 * {@code split_counts}, {@code stats_sha256}).
 *
 * @param path fully qualified Hadoop URI of the table folder
 * @param schemaVersion {@link org.melforge.tensorstore.TensorTable#VERSION} of the reader
 * @param nMels mel bins of every tensor
 * @param nFrames frames of every tensor
 * @param splitCounts rows per split, ordered by split name
 * @param statsSha256 SHA-256 (hex) of the table's statistics JSON
 */
public record TableIdentity(String path, int schemaVersion, int nMels, int nFrames, Map<String, Long> splitCounts,
    String statsSha256) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  /** Rejects a blank path or statistics hash and missing counts; orders the counts by split. */
  public TableIdentity {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("table identity has no path");
    }
    if (statsSha256 == null || statsSha256.isBlank()) {
      throw new IllegalArgumentException("table identity of " + path + " has no stats_sha256");
    }
    Objects.requireNonNull(splitCounts, "splitCounts");
    splitCounts = Collections.unmodifiableMap(new TreeMap<>(splitCounts));
  }

  /** This identity as one line of JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the identity of " + path, e);
    }
  }

  /** Parses {@link #toJson()}'s output; unknown or missing fields are errors. */
  public static TableIdentity fromJson(String json) {
    try {
      return JSON.readValue(json, TableIdentity.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a table identity: " + e.getOriginalMessage(), e);
    }
  }

  /** One line per field that differs from {@code other} ("field: this vs other"); empty when equal. */
  public List<String> differences(TableIdentity other) {
    List<String> out = new ArrayList<>();
    compare(out, "path", path, other.path);
    compare(out, "schema_version", schemaVersion, other.schemaVersion);
    compare(out, "n_mels", nMels, other.nMels);
    compare(out, "n_frames", nFrames, other.nFrames);
    compare(out, "split_counts", splitCounts, other.splitCounts);
    compare(out, "stats_sha256", statsSha256, other.statsSha256);
    return out;
  }

  private static void compare(List<String> out, String field, Object mine, Object theirs) {
    if (!mine.equals(theirs)) {
      out.add(field + ": " + mine + " vs " + theirs);
    }
  }
}
