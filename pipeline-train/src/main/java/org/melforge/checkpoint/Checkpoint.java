package org.melforge.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.melforge.data.TableIdentity;
import org.melforge.model.TokenizerModel;

/**
 * One checkpoint as read back: its folder, its metadata and the DL4J graph (parameters, updater
 * state and the non-gradient state of its bottlenecks). The entry of every job that uses a trained
 * model (resume, evaluation, token export): {@link #open} takes a checkpoint folder or a run folder
 * on any Hadoop file system.
 *
 * @param dir the checkpoint's folder (qualified)
 * @param info its {@code checkpoint.json}
 * @param graph the trained graph with its updater state
 */
public record Checkpoint(Path dir, CheckpointInfo info, ComputationGraph graph) {

  /**
   * The checkpoint at {@code uri}: a checkpoint folder ({@code .../epoch-0003}), or the output
   * folder of a training run, whose newest usable checkpoint is taken ({@link Checkpoints#newest}).
   *
   * @throws IllegalArgumentException when {@code uri} holds no complete checkpoint (the message
   *     names it)
   * @throws CheckpointException when the checkpoint cannot be used (naming it and why)
   */
  public static Checkpoint open(String uri, Configuration hadoop) {
    Path given = new Path(uri);
    try {
      FileSystem fs = given.getFileSystem(hadoop);
      if (Checkpoints.isCheckpoint(fs, given)) {
        return Checkpoints.read(given, hadoop);
      }
      if (!fs.exists(given)) {
        throw new IllegalArgumentException("checkpoint " + uri + " does not exist");
      }
      return Checkpoints.at(uri, hadoop).newest(hadoop).orElseThrow(() ->
          new IllegalArgumentException("checkpoint " + uri + " is neither a checkpoint folder (no "
              + Checkpoints.INFO + ") nor a training output with a complete checkpoint"));
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("checkpoint " + uri + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open checkpoint " + uri + ": " + e.getMessage(), e);
    }
  }

  /** The model of this checkpoint, ready for inference or further training. */
  public TokenizerModel model() {
    return TokenizerModel.wrap(info.model(), graph);
  }

  /** The identity of the features table the model was trained on. */
  public TableIdentity table() {
    return info.features();
  }

  /** The per-mel-bin statistics of that table, as recorded in the checkpoint. */
  public JsonNode statistics() {
    return info.stats();
  }

  /** A short id of this checkpoint: preset, epoch and global step, e.g. {@code vqvae-80x128@e3s120}. */
  public String id() {
    return info.model().preset() + "@e" + info.epoch()
        + (info.round() > 0 ? "r" + info.round() : "") + "s" + info.globalStep();
  }
}
