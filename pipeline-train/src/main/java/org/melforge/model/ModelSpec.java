package org.melforge.model;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Set;
import org.melforge.bottleneck.BetaSchedule;
import org.melforge.bottleneck.VectorQuantizer;
import org.melforge.config.ConfigSchema;
import org.melforge.config.Setting;

/**
 * Everything that defines a model's architecture and losses: the {@code model} section of a
 * preset. Immutable; written into every checkpoint (as the {@code model} object of its JSON) so a
 * model can be rebuilt exactly. Keys a family does not use are ignored by it.
 *
 * @param preset preset name, e.g. {@code vqvae-128x320}
 * @param family model family
 * @param nMels input height (mel bins)
 * @param nFrames input width (frames)
 * @param encoderChannels timbre VAE: channels of the three stride-2 encoder convolutions
 * @param latentDim timbre VAE: latent dimensions
 * @param freeBits timbre VAE: free bits per latent dimension (nats)
 * @param betaMax timbre VAE: final KL weight
 * @param betaWarmupSteps timbre VAE: global steps of the linear beta warm-up
 * @param numHiddens VQ models: hidden channels
 * @param numResidualLayers VQ models: residual blocks per stack
 * @param numResidualHiddens VQ models: hidden channels inside a residual block
 * @param embeddingDim VQ models: code size D
 * @param numEmbeddings VQ models: codebook size K (per level)
 * @param commitmentCost VQ models: commitment weight
 * @param codebookUpdate VQ models: {@code ema} or {@code loss}
 * @param emaDecay VQ models: EMA decay
 * @param emaEpsilon VQ models: Laplace smoothing
 * @param deadCodeThreshold VQ models: revival threshold on EMA cluster size (0: off)
 * @param kmeansInitBatches VQ models: batches of encoder outputs for k-means codebook init (0: off)
 */
public record ModelSpec(String preset, Family family, int nMels, int nFrames,
    List<Integer> encoderChannels, int latentDim, double freeBits, double betaMax,
    long betaWarmupSteps, int numHiddens, int numResidualLayers, int numResidualHiddens,
    int embeddingDim, int numEmbeddings, double commitmentCost, String codebookUpdate,
    double emaDecay, double emaEpsilon, double deadCodeThreshold, int kmeansInitBatches)
    implements java.io.Serializable {

  /** The documented keys of the {@code model} section. */
  public static final ConfigSchema SCHEMA = ConfigSchema.of("model", List.of(
      Setting.string("preset", "preset name, recorded in checkpoints"),
      Setting.choice("family", List.of("timbre-vae", "vqvae", "auddsr"), "model family"),
      Setting.integer("n-mels", 8, 4096, "input height: mel bins of the features table"),
      Setting.integer("n-frames", 8, 100000, "input width: frames of the features table"),
      Setting.integerList("encoder-channels", 1, 65536, "timbre-vae: channels of the 3 encoder convolutions"),
      Setting.integer("latent-dim", 1, 65536, "timbre-vae: latent dimensions"),
      Setting.number("free-bits", 0, 1e6, "timbre-vae: free bits per latent dimension"),
      Setting.number("beta-max", 0, 1e6, "timbre-vae: final KL weight"),
      Setting.integer("beta-warmup-steps", 0, Long.MAX_VALUE, "timbre-vae: warm-up steps"),
      Setting.integer("num-hiddens", 2, 65536, "VQ: hidden channels (even)"),
      Setting.integer("num-residual-layers", 0, 64, "VQ: residual blocks per stack"),
      Setting.integer("num-residual-hiddens", 1, 65536, "VQ: channels inside a residual block"),
      Setting.integer("embedding-dim", 1, 65536, "VQ: code size D"),
      Setting.integer("num-embeddings", 1, 1 << 20, "VQ: codebook size K per level"),
      Setting.number("commitment-cost", 0, 1e6, "VQ: commitment weight"),
      Setting.choice("codebook-update", List.of("ema", "loss"), "VQ: codebook learning"),
      Setting.number("ema-decay", 0, 1, "VQ: EMA decay"),
      Setting.number("ema-epsilon", 0, 1, "VQ: Laplace smoothing of cluster sizes"),
      Setting.number("dead-code-threshold", 0, 1e9, "VQ: revival threshold (0 = off)"),
      Setting.integer("kmeans-init-batches", 0, 100000, "VQ: k-means init batches (0 = off)")),
      Set.of());

  /** Reads and validates the {@code model} section of {@code root}. */
  public static ModelSpec from(Config root) {
    SCHEMA.validate(root);
    Config m = root.getConfig("model");
    ModelSpec spec = new ModelSpec(m.getString("preset"), Family.of(m.getString("family")),
        m.getInt("n-mels"), m.getInt("n-frames"), m.getIntList("encoder-channels"),
        m.getInt("latent-dim"), m.getDouble("free-bits"), m.getDouble("beta-max"),
        m.getLong("beta-warmup-steps"), m.getInt("num-hiddens"), m.getInt("num-residual-layers"),
        m.getInt("num-residual-hiddens"), m.getInt("embedding-dim"), m.getInt("num-embeddings"),
        m.getDouble("commitment-cost"), m.getString("codebook-update"), m.getDouble("ema-decay"),
        m.getDouble("ema-epsilon"), m.getDouble("dead-code-threshold"),
        m.getInt("kmeans-init-batches"));
    spec.checkShape();
    return spec;
  }

  private void checkShape() {
    int down = switch (family) {
      case TIMBRE_VAE -> 8;
      case VQVAE -> 4;
      case AUDDSR -> 8;
    };
    if (nMels % down != 0 || nFrames % down != 0) {
      throw new IllegalArgumentException(String.format(
          "model: input %dx%d must be divisible by %d for family %s", nMels, nFrames, down,
          family.key()));
    }
    if (family == Family.TIMBRE_VAE && encoderChannels.size() != 3) {
      throw new IllegalArgumentException("model.encoder-channels: expected 3 values, got "
          + encoderChannels);
    }
    if (family != Family.TIMBRE_VAE && numHiddens % 2 != 0) {
      throw new IllegalArgumentException("model.num-hiddens must be even: " + numHiddens);
    }
  }

  /**
   * The settings that differ from {@code other}, as {@code "key: this vs other"} in configuration
   * key spelling; {@code kmeans-init-batches} is left out (it only acts on a fresh start).
   */
  public List<String> differences(ModelSpec other) {
    List<String> out = new java.util.ArrayList<>();
    for (java.lang.reflect.RecordComponent c : ModelSpec.class.getRecordComponents()) {
      if (c.getName().equals("kmeansInitBatches")) {
        continue;
      }
      try {
        Object mine = c.getAccessor().invoke(this);
        Object theirs = c.getAccessor().invoke(other);
        if (!java.util.Objects.equals(mine, theirs)) {
          out.add(c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT)
              + ": " + mine + " vs " + theirs);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** The quantizer update mode. */
  public VectorQuantizer.Update update() {
    return VectorQuantizer.Update.valueOf(codebookUpdate.toUpperCase(java.util.Locale.ROOT));
  }

  /** A vector quantizer of this spec for a latent grid of {@code h x w}. */
  public VectorQuantizer quantizer(long h, long w) {
    return new VectorQuantizer(numEmbeddings, embeddingDim, commitmentCost, update(), emaDecay,
        emaEpsilon, deadCodeThreshold, h, w);
  }

  /** The KL warm-up of the timbre VAE. */
  public BetaSchedule betaSchedule() {
    return new BetaSchedule(betaMax, betaWarmupSteps);
  }
}
