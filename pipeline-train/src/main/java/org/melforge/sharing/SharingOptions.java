package org.melforge.sharing;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.melforge.config.ConfigSchema;
import org.melforge.config.Setting;
import org.melforge.sharing.dl4j.LevelledEncodingHandler;

/**
 * The {@code sharing} section: how training is spread over Spark executors.
 *
 * @param mode {@code shared} (gradient sharing, DL4J {@code SharedTrainingMaster}),
 *     {@code averaging} ({@code ParameterAveragingTrainingMaster}), {@code single} (one JVM,
 *     rows streamed through the driver) or {@code encoded} (as {@code single}, but every update
 *     passes through gradient sharing's threshold encoder, {@link SharedTrainer#localEncoder}: the
 *     encoder's cost to convergence without any distribution)
 * @param workers workers W in total (0: executors x workers-per-node; local mode: its threads)
 * @param workersPerNode training threads per executor JVM (0: 1 on a cluster, all in local mode)
 * @param syncInterval steps per worker between two synchronisations of non-gradient state (EMA
 *     codebooks, dead-code revival), metrics, progress lines and timed checkpoints; the parameter
 *     averaging period in {@code averaging} mode
 * @param learningRateScaling each worker's Adam rate: {@code average} learning-rate / W (the summed
 *     updates of W workers make one step of the configured size), {@code sqrt} learning-rate /
 *     sqrt(W) (matches one JVM with batch W*B when gradient noise dominates, as Adam normalises
 *     each worker's step by its own noisier second moment), {@code sum} learning-rate
 * @param thresholdAlgorithm {@code fixed}, {@code adaptive} or {@code target-sparsity}
 * @param threshold encoding threshold, as a fraction of a worker's learning rate (the initial
 *     value for the adaptive algorithms)
 * @param encodingLevels threshold levels of the update encoder per step: the residual is sent
 *     at the threshold t, what is left at t/2, and so on ({@link LevelledEncodingHandler}; 1:
 *     DL4J's single level)
 * @param residualClip clip each worker's residual to this many thresholds every 5 steps (0: keep
 *     the whole residual; DL4J drops it at the end of every round anyway)
 * @param port UDP port of the parameter-server transport on the driver (executor N uses
 *     port + 1 + N)
 * @param networkMask network (CIDR) executors take their transport address from ("" : loopback
 *     when the driver is on loopback, else DL4J_VOID_IP or loopback, with a warning)
 * @param controllerAddress driver address the executors' transport connects to ("" :
 *     {@code spark.driver.host}; loopback in local mode)
 */
public record SharingOptions(SharingMode mode, int workers, int workersPerNode, int syncInterval,
    LearningRateScaling learningRateScaling, ThresholdAlgorithm thresholdAlgorithm,
    double threshold, int encodingLevels, double residualClip, int port, String networkMask,
    String controllerAddress) {

  /** Each worker's Adam rate for W workers: {@code sharing.learning-rate-scaling}. */
  public enum LearningRateScaling {
    /** learning-rate / W. */
    AVERAGE,
    /** learning-rate / sqrt(W). */
    SQRT,
    /** learning-rate. */
    SUM;

    /** The name used in configuration files and checkpoints, e.g. {@code sqrt}. */
    @JsonValue
    public String key() {
      return SharingOptions.key(this);
    }

    @Override
    public String toString() {
      return key();
    }

    /** The scaling named {@code key} (any case). */
    @JsonCreator
    public static LearningRateScaling of(String key) {
      return parse(LearningRateScaling.class, "learning-rate-scaling", key);
    }
  }

  /** How the update encoding threshold evolves: {@code sharing.threshold-algorithm}. */
  public enum ThresholdAlgorithm {
    /** DL4J's {@code FixedThresholdAlgorithm}. */
    FIXED,
    /** DL4J's {@code AdaptiveThresholdAlgorithm}. */
    ADAPTIVE,
    /** DL4J's {@code TargetSparsityThresholdAlgorithm} with its default target and decay. */
    TARGET_SPARSITY;

    /** The name used in configuration files and checkpoints, e.g. {@code target-sparsity}. */
    @JsonValue
    public String key() {
      return SharingOptions.key(this);
    }

    @Override
    public String toString() {
      return key();
    }

    /** The algorithm named {@code key} (any case). */
    @JsonCreator
    public static ThresholdAlgorithm of(String key) {
      return parse(ThresholdAlgorithm.class, "threshold-algorithm", key);
    }
  }

  /** The documented keys of the {@code sharing} section. */
  public static final ConfigSchema SCHEMA = ConfigSchema.of("sharing", List.of(
      Setting.choice("mode", keys(SharingMode.class),
          "shared (gradient sharing) | averaging (parameter averaging) | single (one JVM)"
              + " | encoded (one JVM, updates through the sharing encoder)"),
      Setting.integer("workers", 0, 1 << 16, "workers in total (0: executors x workers-per-node)"),
      Setting.integer("workers-per-node", 0, 1024,
          "training threads per executor (0: 1 on a cluster, all threads in local mode)"),
      Setting.integer("sync-interval", 1, 1 << 20,
          "steps per worker between synchronisations of codebook state, metrics and checkpoints"),
      Setting.choice("learning-rate-scaling", keys(LearningRateScaling.class),
          "worker Adam rate = learning-rate / W (average), / sqrt(W) (sqrt) or x 1 (sum)"),
      Setting.choice("threshold-algorithm", keys(ThresholdAlgorithm.class),
          "update encoding threshold algorithm"),
      Setting.number("threshold", 1e-6, 1e3, "encoding threshold as a fraction of the worker rate"),
      Setting.integer("encoding-levels", 1, 16,
          "threshold levels per step: t, then what is left at t/2, t/4, ... (1: DL4J's one level)"),
      Setting.number("residual-clip", 0, 1e6, "residual clip in thresholds, every 5 steps (0: never clip)"),
      Setting.integer("port", 1024, 65535, "UDP port of the parameter-server transport"),
      Setting.optionalString("network-mask", "CIDR of the transport network (\"\": automatic)"),
      Setting.optionalString("controller-address", "driver address for the transport (\"\": automatic)")),
      Set.of());

  /** Reads and validates the {@code sharing} section of {@code root}. */
  public static SharingOptions from(Config root) {
    SCHEMA.validate(root);
    Config s = root.getConfig("sharing");
    return new SharingOptions(SharingMode.of(s.getString("mode")), s.getInt("workers"),
        s.getInt("workers-per-node"), s.getInt("sync-interval"),
        LearningRateScaling.of(s.getString("learning-rate-scaling")),
        ThresholdAlgorithm.of(s.getString("threshold-algorithm")),
        s.getDouble("threshold"), s.getInt("encoding-levels"), s.getDouble("residual-clip"),
        s.getInt("port"), s.getString("network-mask"), s.getString("controller-address"));
  }

  /** Whether training runs on Spark executors (not in one JVM). */
  public boolean distributed() {
    return mode == SharingMode.SHARED || mode == SharingMode.AVERAGING;
  }

  /** The Adam learning rate each of {@code workers} workers uses for a configured rate. */
  public double workerLearningRate(double learningRate, int workers) {
    return switch (learningRateScaling) {
      case AVERAGE -> learningRate / workers;
      case SQRT -> learningRate / Math.sqrt(workers);
      case SUM -> learningRate;
    };
  }

  /** The configuration spelling of a constant: lower case, {@code -} for {@code _}. */
  static String key(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static <E extends Enum<E>> List<String> keys(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(SharingOptions::key).toList();
  }

  /** The constant of {@code type} spelled {@code key} (any case) for the key {@code setting}. */
  static <E extends Enum<E>> E parse(Class<E> type, String setting, String key) {
    return Arrays.stream(type.getEnumConstants()).filter(c -> key(c).equalsIgnoreCase(key))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("sharing." + setting + ": '"
            + key + "' is not one of " + keys(type)));
  }
}
