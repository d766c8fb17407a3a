package org.melforge.model;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.melforge.bottleneck.VectorQuantizer;
import org.melforge.config.Setting;

/**
 * The {@code model.vq} section, shared by the VQ families ({@code vqvae}, {@code auddsr}): encoder
 * and decoder widths and the vector quantizer (one per level).
 *
 * @param numHiddens hidden channels
 * @param numResidualLayers residual blocks per stack
 * @param numResidualHiddens hidden channels inside a residual block
 * @param embeddingDim code size D
 * @param numEmbeddings codebook size K (per level)
 * @param commitmentCost commitment weight
 * @param codebookUpdate how the codebook learns (configured and written to JSON in lower case)
 * @param emaDecay EMA decay
 * @param emaEpsilon Laplace smoothing of the EMA cluster sizes
 * @param deadCodeThreshold revival threshold on the EMA cluster size (0: off)
 * @param kmeansInitBatches batches of encoder outputs for k-means codebook init (0: off)
 */
public record VqSpec(int numHiddens, int numResidualLayers, int numResidualHiddens,
    int embeddingDim, int numEmbeddings, double commitmentCost,
    @JsonSerialize(using = LowerCaseEnum.class) VectorQuantizer.Update codebookUpdate,
    double emaDecay, double emaEpsilon, double deadCodeThreshold, int kmeansInitBatches)
    implements FamilySpec {

  /** The section's name under {@code model}. */
  public static final String SECTION = "vq";

  /**
   * The keys of the encoder and decoder of {@link VqVae} ({@link VqVae#encoder}), which other
   * sections with that backbone share.
   */
  static final List<Setting> BACKBONE_SETTINGS = List.of(
      Setting.integer("num-hiddens", 2, 65536, "hidden channels (even)"),
      Setting.integer("num-residual-layers", 0, 64, "residual blocks per stack"),
      Setting.integer("num-residual-hiddens", 1, 65536, "channels inside a residual block"));

  /** The section's documented keys, relative to it. */
  static final List<Setting> SETTINGS = Stream.concat(BACKBONE_SETTINGS.stream(), Stream.of(
      Setting.integer("embedding-dim", 1, 65536, "code size D"),
      Setting.integer("num-embeddings", 1, 1 << 20, "codebook size K per level"),
      Setting.number("commitment-cost", 0, 1e6, "commitment weight"),
      Setting.choice("codebook-update", Arrays.stream(VectorQuantizer.Update.values())
          .map(LowerCaseEnum::key).sorted().toList(), "codebook learning"),
      Setting.number("ema-decay", 0, 1, "EMA decay"),
      Setting.number("ema-epsilon", 0, 1, "Laplace smoothing of cluster sizes"),
      Setting.number("dead-code-threshold", 0, 1e9, "revival threshold (0 = off)"),
      Setting.integer("kmeans-init-batches", 0, 100000, "k-means init batches (0 = off)")))
      .toList();

  /** Reads the section, already validated against {@link #SETTINGS}. */
  static VqSpec from(Config section) {
    return new VqSpec(section.getInt("num-hiddens"), section.getInt("num-residual-layers"),
        section.getInt("num-residual-hiddens"), section.getInt("embedding-dim"),
        section.getInt("num-embeddings"), section.getDouble("commitment-cost"),
        VectorQuantizer.Update.valueOf(section.getString("codebook-update")
            .toUpperCase(Locale.ROOT)),
        section.getDouble("ema-decay"), section.getDouble("ema-epsilon"),
        section.getDouble("dead-code-threshold"), section.getInt("kmeans-init-batches"));
  }

  @Override
  public String section() {
    return SECTION;
  }

  @Override
  public List<String> problems() {
    return backboneProblems(SECTION, numHiddens);
  }

  /** The problems of a {@link #BACKBONE_SETTINGS} backbone in section {@code section}. */
  static List<String> backboneProblems(String section, int numHiddens) {
    return numHiddens % 2 == 0 ? List.of()
        : List.of("model." + section + ".num-hiddens: " + numHiddens + " must be even");
  }

  /** A vector quantizer of this section for a latent grid of {@code h x w}. */
  public VectorQuantizer quantizer(long h, long w) {
    return new VectorQuantizer(numEmbeddings, embeddingDim, commitmentCost, codebookUpdate,
        emaDecay, emaEpsilon, deadCodeThreshold, h, w);
  }

  /** The k-means initialisation's batches ({@code kmeans-init-batches}). */
  @Override
  public int initBatches() {
    return kmeansInitBatches;
  }
}
