package org.melforge.model;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.melforge.bottleneck.BinarySphericalQuantizer;
import org.melforge.config.Setting;

/**
 * The {@code model.bsq} section of the binary spherical quantization family {@code bsq-cnn}: the
 * widths of the VQ-VAE's encoder and decoder it shares, and the quantizer
 * ({@link BinarySphericalQuantizer}).
 *
 * @param numHiddens hidden channels
 * @param numResidualLayers residual blocks per stack
 * @param numResidualHiddens hidden channels inside a residual block
 * @param bits code bits L (the codebook has 2^L codes)
 * @param groupSize bits per group g of the soft assignment (divides L)
 * @param entropy the soft assignment (configured and written to JSON in lower case)
 * @param beta commitment weight
 * @param gamma0 weight of the per-sample entropy
 * @param gamma weight of the codebook entropy
 * @param zeta weight of the entropy terms
 * @param inverseTemperature inverse temperature of the soft assignment
 */
public record BsqSpec(int numHiddens, int numResidualLayers, int numResidualHiddens, int bits,
    int groupSize,
    @JsonSerialize(using = LowerCaseEnum.class) BinarySphericalQuantizer.Entropy entropy,
    double beta, double gamma0, double gamma, double zeta, double inverseTemperature)
    implements FamilySpec {

  /** The section's name under {@code model}. */
  public static final String SECTION = "bsq";

  /** The section's documented keys, relative to it. */
  static final List<Setting> SETTINGS = Stream.concat(VqSpec.BACKBONE_SETTINGS.stream(), Stream.of(
      Setting.integer("bits", 1, 62, "code bits L (2^L codes)"),
      Setting.integer("group-size", 1, 16, "bits per group of the soft assignment (divides bits)"),
      Setting.choice("entropy", Arrays.stream(BinarySphericalQuantizer.Entropy.values())
          .map(LowerCaseEnum::key).sorted().toList(), "soft assignment: groups of bits or each bit"),
      Setting.number("beta", 0, 1e6, "commitment weight"),
      Setting.number("gamma0", 0, 1e6, "per-sample entropy weight"),
      Setting.number("gamma", 0, 1e6, "codebook entropy weight"),
      Setting.number("zeta", 0, 1e6, "entropy terms weight"),
      Setting.number("inverse-temperature", 1e-6, 1e6, "inverse temperature of the assignment")))
      .toList();

  /** Reads the section, already validated against {@link #SETTINGS}. */
  static BsqSpec from(Config section) {
    return new BsqSpec(section.getInt("num-hiddens"), section.getInt("num-residual-layers"),
        section.getInt("num-residual-hiddens"), section.getInt("bits"),
        section.getInt("group-size"), BinarySphericalQuantizer.Entropy.valueOf(
            section.getString("entropy").toUpperCase(Locale.ROOT)),
        section.getDouble("beta"), section.getDouble("gamma0"), section.getDouble("gamma"),
        section.getDouble("zeta"), section.getDouble("inverse-temperature"));
  }

  @Override
  public String section() {
    return SECTION;
  }

  @Override
  public List<String> problems() {
    List<String> out = new ArrayList<>(VqSpec.backboneProblems(SECTION, numHiddens));
    if (bits % groupSize != 0) {
      out.add("model." + SECTION + ".group-size: " + groupSize + " must divide bits " + bits);
    }
    return out;
  }

  /** The binary spherical quantizer of this section for a latent grid of {@code h x w}. */
  public BinarySphericalQuantizer quantizer(long h, long w) {
    return new BinarySphericalQuantizer(bits, groupSize, entropy, beta, gamma0, gamma, zeta,
        inverseTemperature, h, w);
  }
}
