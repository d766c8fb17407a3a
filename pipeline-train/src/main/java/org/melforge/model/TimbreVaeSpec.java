package org.melforge.model;

import com.typesafe.config.Config;
import java.util.List;
import org.melforge.bottleneck.BetaSchedule;
import org.melforge.config.Setting;

/**
 * The {@code model.timbre-vae} section: the timbre beta-VAE's encoder, latent and KL weighting.
 *
 * @param encoderChannels channels of the three stride-2 encoder convolutions
 * @param latentDim latent dimensions
 * @param freeBits free bits per latent dimension (nats)
 * @param betaMax final KL weight
 * @param betaWarmupSteps global steps of the linear beta warm-up
 */
public record TimbreVaeSpec(List<Integer> encoderChannels, int latentDim, double freeBits,
    double betaMax, long betaWarmupSteps) implements FamilySpec {

  /** The section's name under {@code model}. */
  public static final String SECTION = "timbre-vae";

  /** The section's documented keys, relative to it. */
  static final List<Setting> SETTINGS = List.of(
      Setting.integerList("encoder-channels", 1, 65536, "channels of the 3 encoder convolutions"),
      Setting.integer("latent-dim", 1, 65536, "latent dimensions"),
      Setting.number("free-bits", 0, 1e6, "free bits per latent dimension"),
      Setting.number("beta-max", 0, 1e6, "final KL weight"),
      Setting.integer("beta-warmup-steps", 0, Long.MAX_VALUE, "global steps of the beta warm-up"));

  public TimbreVaeSpec {
    encoderChannels = List.copyOf(encoderChannels);
  }

  /** Reads the section, already validated against {@link #SETTINGS}. */
  static TimbreVaeSpec from(Config section) {
    return new TimbreVaeSpec(section.getIntList("encoder-channels"), section.getInt("latent-dim"),
        section.getDouble("free-bits"), section.getDouble("beta-max"),
        section.getLong("beta-warmup-steps"));
  }

  @Override
  public String section() {
    return SECTION;
  }

  @Override
  public List<String> problems() {
    return encoderChannels.size() == 3 ? List.of() : List.of("model." + SECTION
        + ".encoder-channels: expected 3 values, got " + encoderChannels);
  }

  /** The KL warm-up. */
  public BetaSchedule betaSchedule() {
    return new BetaSchedule(betaMax, betaWarmupSteps);
  }
}
