package org.melforge.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.melforge.data.TableIdentity;
import org.melforge.model.ModelSpec;
import org.melforge.sharing.SharingOptions;

/**
 * The metadata written beside every checkpoint's model ({@code checkpoint.json}): enough to
 * rebuild the model, continue training where it stopped and know what it was trained on.
 *
 * @param formatVersion version of this metadata format
 * @param model the model's architecture and losses
 * @param train the training options of the run (the {@code train} section, as the train job
 *     wrote it)
 * @param epoch epochs completed
 * @param round rounds completed of the epoch after {@code epoch} (0: the checkpoint of an epoch's
 *     end; more: written mid-epoch, a resumed run continues with the next round)
 * @param globalStep training steps completed (the model's iteration count); with W workers one
 *     step is W batches
 * @param workers workers W of the run (1 in one JVM)
 * @param sharing how the run spread training over executors
 * @param features identity of the features table (path, shape, split counts, statistics hash)
 * @param statsPath the features table's statistics JSON
 * @param stats that statistics JSON itself (per-mel-bin count, mean, std, min, max)
 * @param versions MelForge, DL4J, Spark, Java and ND4J backend versions
 * @param gitCommit commit the code was built from
 * @param createdAt ISO-8601 time the checkpoint was written
 * @param trainMetrics the last epoch's training metrics
 * @param validMetrics the last epoch's validation metrics
 * @param sha256 SHA-256 (hex) of each file of the checkpoint folder written before this metadata,
 *     by file name (format 3 on; empty in older checkpoints)
 */
public record CheckpointInfo(int formatVersion, ModelSpec model, JsonNode train, int epoch,
    int round, long globalStep, int workers, SharingOptions sharing, TableIdentity features,
    String statsPath, JsonNode stats, Map<String, String> versions, String gitCommit,
    String createdAt, Map<String, Double> trainMetrics, Map<String, Double> validMetrics,
    Map<String, String> sha256) {

  /**
   * The current {@link #formatVersion}: 2 added round, workers and sharing; 3 the SHA-256 of the
   * checkpoint's files.
   */
  public static final int FORMAT_VERSION = 3;

  /** Unmodifiable copies of the version and metric maps, in their order. */
  public CheckpointInfo {
    versions = copy(versions);
    trainMetrics = copy(trainMetrics);
    validMetrics = copy(validMetrics);
    sha256 = copy(sha256);
  }

  /** This metadata with the given file hashes. */
  public CheckpointInfo withSha256(Map<String, String> files) {
    return new CheckpointInfo(formatVersion, model, train, epoch, round, globalStep, workers,
        sharing, features, statsPath, stats, versions, gitCommit, createdAt, trainMetrics,
        validMetrics, files);
  }

  private static <V> Map<String, V> copy(Map<String, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /** The {@code train} section read as {@code type} (e.g. the train job's options record). */
  public <T> T train(Class<T> type) {
    return Checkpoints.fromJson(train, type);
  }
}
