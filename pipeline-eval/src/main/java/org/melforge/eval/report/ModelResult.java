package org.melforge.eval.report;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.melforge.eval.metrics.Distribution;

/**
 * Evaluation of one checkpoint on the report's split.
 *
 * @param checkpointId short checkpoint name shown on the page
 * @param checkpointPath where the checkpoint was read from
 * @param family model family, e.g. vq or vae
 * @param preset model preset
 * @param exampleCount examples evaluated (named apart from {@code examples}, the shown ones)
 * @param overall metric name to its summary over the split (reconstruction metrics such as
 *     {@code mse} or {@code psnr_valid}, and loss parts such as {@code recon} or {@code vq_loss})
 * @param groups grouping key (e.g. {@code instrument_family}) to group value to metric name to
 *     summary
 * @param histograms metric name to its histogram over the split
 * @param levels statistics per bottleneck level
 * @param examples best, median and worst examples
 * @param latentMap VAE posterior means in two dimensions; null when there are none
 */
public record ModelResult(String checkpointId, String checkpointPath, String family, String preset,
    long exampleCount, Map<String, Distribution> overall,
    Map<String, Map<String, Map<String, Distribution>>> groups, Map<String, Histogram> histograms,
    List<LevelStats> levels, List<ExampleView> examples, LatentMap latentMap) {

  /** Checks for nulls and keeps unmodifiable copies of the top-level collections. */
  public ModelResult {
    Objects.requireNonNull(checkpointId, "checkpointId");
    Objects.requireNonNull(checkpointPath, "checkpointPath");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(preset, "preset");
    overall = Map.copyOf(overall);
    groups = Map.copyOf(groups);
    histograms = Map.copyOf(histograms);
    levels = List.copyOf(levels);
    examples = List.copyOf(examples);
  }
}
