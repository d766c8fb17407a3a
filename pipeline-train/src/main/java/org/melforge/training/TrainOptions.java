package org.melforge.training;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.melforge.config.ConfigSchema;
import org.melforge.config.ConfigValidationException;
import org.melforge.config.Setting;
import org.melforge.data.BadRows;
import org.melforge.data.SpecAugment;

/**
 * The {@code train} section: what to train on, for how long, and where checkpoints go.
 *
 * @param table features tensor table folder (Hadoop URI), e.g. {@code out/features/speech}
 * @param output folder (Hadoop URI) of checkpoints and metrics history
 * @param epochs epochs to train (in total, counting those of a resumed checkpoint)
 * @param batchSize examples per step
 * @param learningRate Adam learning rate
 * @param seed seed of every random choice: initialisation, shuffling, VAE noise, k-means and
 *     dead-code revival
 * @param trainSplit split trained on
 * @param validSplit split evaluated after each epoch ("" to skip)
 * @param maxBatchesPerEpoch cap on training steps per epoch (0: the whole split)
 * @param resume continue from the newest usable checkpoint in {@code output}
 * @param overwrite replace the checkpoints and history a fresh run finds in {@code output}
 *     (without it such a run is refused)
 * @param badRows what a row whose tensor is not finite or outside the table's range does
 * @param progressIntervalSeconds seconds between progress lines within an epoch
 * @param checkpointIntervalMinutes minutes between checkpoints within an epoch (0: only at epoch
 *     ends); checked between rounds
 * @param specAugment masking of the training inputs ({@code train.spec-augment}); a checkpoint
 *     written before the section existed reads as {@link SpecAugment#OFF}
 */
public record TrainOptions(String table, String output, int epochs, int batchSize,
    double learningRate, long seed, String trainSplit, String validSplit, int maxBatchesPerEpoch,
    boolean resume, boolean overwrite, BadRows badRows, int progressIntervalSeconds,
    double checkpointIntervalMinutes, SpecAugment specAugment) {

  /** A missing {@code specAugment} (older checkpoints) is {@link SpecAugment#OFF}. */
  public TrainOptions {
    specAugment = specAugment == null ? SpecAugment.OFF : specAugment;
  }

  /** The documented keys of the {@code train} section. */
  public static final ConfigSchema SCHEMA = ConfigSchema.of("train", Stream.concat(Stream.of(
      Setting.string("table", "features tensor table folder, e.g. out/features/speech"),
      Setting.string("output", "checkpoints and metrics history folder"),
      Setting.integer("epochs", 1, 1_000_000, "epochs in total"),
      Setting.integer("batch-size", 1, 1 << 16, "examples per step"),
      Setting.number("learning-rate", 0, 10, "Adam learning rate"),
      Setting.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, "seed of init, shuffling, noise, k-means, revival"),
      Setting.string("train-split", "split trained on"),
      Setting.string("valid-split", "split evaluated after each epoch"),
      Setting.integer("max-batches-per-epoch", 0, Integer.MAX_VALUE, "cap on steps per epoch (0: all)"),
      Setting.bool("resume", "continue from the newest usable checkpoint"),
      Setting.bool("overwrite", "a fresh run replaces the checkpoints and history in output"),
      Setting.choice("bad-rows", List.of("stop", "skip"),
          "a non-finite or out-of-range tensor: stop (fail naming it) or skip (count and log)"),
      Setting.integer("progress-interval-seconds", 1, 86400, "seconds between progress lines"),
      Setting.number("checkpoint-interval-minutes", 0, 1e6,
          "minutes between mid-epoch checkpoints (0: epoch ends only)")),
      SpecAugment.SETTINGS.stream().map(s -> new Setting(SpecAugment.SECTION + "." + s.path(),
          s.kind(), s.description(), s.min(), s.max(), s.allowed()))).toList(),
      Set.of());

  /** Reads and validates the {@code train} section of {@code root}. */
  public static TrainOptions from(Config root) {
    SCHEMA.validate(root);
    Config t = root.getConfig("train");
    SpecAugment augment = SpecAugment.from(t.getConfig(SpecAugment.SECTION));
    List<String> problems = augment.problems("train." + SpecAugment.SECTION);
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(problems);
    }
    return new TrainOptions(t.getString("table"), t.getString("output"), t.getInt("epochs"),
        t.getInt("batch-size"), t.getDouble("learning-rate"), t.getLong("seed"),
        t.getString("train-split"), t.getString("valid-split"), t.getInt("max-batches-per-epoch"),
        t.getBoolean("resume"), t.getBoolean("overwrite"),
        BadRows.valueOf(t.getString("bad-rows").toUpperCase(java.util.Locale.ROOT)),
        t.getInt("progress-interval-seconds"),
        t.getDouble("checkpoint-interval-minutes"), augment);
  }
}
