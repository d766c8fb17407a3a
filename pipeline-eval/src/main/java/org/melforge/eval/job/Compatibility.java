package org.melforge.eval.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.data.FeatureTable;
import org.melforge.data.TableIdentity;
import org.melforge.model.ModelSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a checkpoint can be evaluated on a features table: the same tensor shape, the same
 * log-mel profile (every STFT, mel and dB setting), and, when the table is the one the checkpoint
 * was trained on, the same statistics (else the table was rewritten since training).
 */
final class Compatibility {

  private static final Logger LOG = LoggerFactory.getLogger(Compatibility.class);

  private Compatibility() {}

  /**
   * Checks {@code checkpoint} against {@code table} and its {@code profile}.
   *
   * @throws IllegalArgumentException naming both and what differs
   */
  static void check(Checkpoint checkpoint, FeatureTable table, Profile profile,
      boolean allowChangedTable) {
    ModelSpec spec = checkpoint.info().model();
    if (spec.nMels() != table.nMels() || spec.nFrames() != table.nFrames()) {
      throw new IllegalArgumentException("checkpoint " + checkpoint.dir() + " (" + spec.preset()
          + ") expects " + spec.nMels() + "x" + spec.nFrames() + " tensors but features table "
          + table.path() + " holds " + table.nMels() + "x" + table.nFrames());
    }
    JsonNode trained = Profile.find(checkpoint.statistics());
    if (trained == null) {
      LOG.warn("checkpoint {} records no log-mel profile: its profile is not checked against {}",
          checkpoint.dir(), table.path());
    } else {
      List<String> differences = differences(trained, profile.json());
      if (!differences.isEmpty()) {
        throw new IllegalArgumentException("checkpoint " + checkpoint.dir() + " was trained on"
            + " another log-mel profile than features table " + table.path() + " ("
            + String.join(", ", differences) + ")");
      }
    }
    TableIdentity then = checkpoint.table();
    TableIdentity now = table.identity();
    if (then.path().equals(now.path()) && !then.statsSha256().equals(now.statsSha256())) {
      String message = "features table " + table.path() + " was rewritten after checkpoint "
          + checkpoint.dir() + " was trained on it (statistics sha256 " + then.statsSha256()
          + " then, " + now.statsSha256() + " now)";
      if (!allowChangedTable) {
        throw new IllegalArgumentException(message + ": pass eval.allow-changed-table=true to"
            + " evaluate it anyway");
      }
      LOG.warn("{} (eval.allow-changed-table)", message);
    }
  }

  /** "key: trained vs table" for each profile setting that differs. */
  private static List<String> differences(JsonNode trained, JsonNode table) {
    List<String> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = trained.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode other = table.get(f.getKey());
      if (!f.getValue().equals(other)) {
        out.add(f.getKey() + " " + f.getValue() + " (checkpoint) vs " + other + " (table)");
      }
    }
    table.fieldNames().forEachRemaining(k -> {
      if (!trained.has(k)) {
        out.add(k + " missing (checkpoint) vs " + table.get(k) + " (table)");
      }
    });
    return out;
  }
}
