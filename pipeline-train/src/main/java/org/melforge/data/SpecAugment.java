package org.melforge.data;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.melforge.config.Setting;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * SpecAugment (Park et al. 2019) of training inputs, the {@code train.spec-augment} section: per
 * example {@code timeMasks} time masks and {@code freqMasks} frequency masks whose cells take
 * {@code fillValue}. A time mask's width is drawn uniformly from [0, {@code timeMaskWidth}] (at
 * most the example's valid frames) and its start uniformly among the valid frames it fits in; a
 * frequency mask's height from [0, {@code freqMaskWidth}] and its first mel bin uniformly among
 * those it fits in, and it covers the valid frames only. Padded frames (after
 * {@code valid_frames}) are never changed. Masks may overlap.
 *
 * <p>Seeded: the masks of an example depend only on the train seed, the epoch and the example's
 * id ({@link #exampleSeed}), so a rerun, a retried Spark task, another partitioning or another
 * number of workers gives every example the same masks in the same epoch, and another epoch
 * other masks. Only the input is masked, on a copy: the reconstruction target stays the clean
 * tensor ({@link #input}).
 *
 * @param enabled whether training inputs are masked at all
 * @param timeMasks time masks per example
 * @param timeMaskWidth widest time mask, in frames
 * @param freqMasks frequency masks per example
 * @param freqMaskWidth widest frequency mask, in mel bins
 * @param fillValue the value of masked cells, in the stored scale (dB / 40 + 1): 0 is -40 dB
 *     below the clip's maximum, -1 the -80 dB floor of padding
 */
public record SpecAugment(boolean enabled, int timeMasks, int timeMaskWidth, int freqMasks,
    int freqMaskWidth, double fillValue) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The section's name under {@code train}. */
  public static final String SECTION = "spec-augment";

  /** No augmentation (also what a checkpoint without the section reads as). */
  public static final SpecAugment OFF = new SpecAugment(false, 0, 0, 0, 0, 0);

  /** The section's documented keys, relative to it. */
  public static final List<Setting> SETTINGS = List.of(
      Setting.bool("enabled", "mask training inputs (SpecAugment); targets stay clean"),
      Setting.integer("time-masks", 0, 64, "time masks per example"),
      Setting.integer("time-mask-width", 0, 100_000,
          "widest time mask in frames (each width uniform in [0, this], within valid frames)"),
      Setting.integer("freq-masks", 0, 64, "frequency masks per example"),
      Setting.integer("freq-mask-width", 0, 4096,
          "widest frequency mask in mel bins (each uniform in [0, this])"),
      Setting.number("fill-value", TensorValues.MIN, TensorValues.MAX,
          "value of masked cells, stored scale dB/40+1 (0: -40 dB, -1: the padding floor)"));

  /** Reads the section, already validated against {@link #SETTINGS}. */
  public static SpecAugment from(Config section) {
    return new SpecAugment(section.getBoolean("enabled"), section.getInt("time-masks"),
        section.getInt("time-mask-width"), section.getInt("freq-masks"),
        section.getInt("freq-mask-width"), section.getDouble("fill-value"));
  }

  /**
   * What is wrong with the settings taken together, each problem naming its key under
   * {@code prefix} (e.g. {@code train.spec-augment}) and its value; none when not enabled.
   */
  public List<String> problems(String prefix) {
    List<String> out = new ArrayList<>();
    if (!enabled) {
      return out;
    }
    if (timeMasks > 0 && timeMaskWidth == 0) {
      out.add(prefix + ".time-mask-width: 0 masks no frame though time-masks = " + timeMasks
          + " (set time-masks = 0 for no time masks)");
    }
    if (freqMasks > 0 && freqMaskWidth == 0) {
      out.add(prefix + ".freq-mask-width: 0 masks no mel bin though freq-masks = " + freqMasks
          + " (set freq-masks = 0 for no frequency masks)");
    }
    if (timeMasks == 0 && freqMasks == 0) {
      out.add(prefix + ".enabled: true, but time-masks = 0 and freq-masks = 0 mask nothing");
    }
    return out;
  }

  /**
   * What is wrong with the settings for tensors of {@code nMels} x {@code nFrames}: a mask wider
   * than the tensor, naming the key under {@code prefix}, its value and the shape; none when not
   * enabled.
   */
  public List<String> problems(String prefix, int nMels, int nFrames) {
    List<String> out = problems(prefix);
    if (enabled && timeMasks > 0 && timeMaskWidth > nFrames) {
      out.add(prefix + ".time-mask-width: " + timeMaskWidth + " is wider than the table's "
          + nFrames + " frames");
    }
    if (enabled && freqMasks > 0 && freqMaskWidth > nMels) {
      out.add(prefix + ".freq-mask-width: " + freqMaskWidth + " is wider than the table's "
          + nMels + " mel bins");
    }
    return out;
  }

  /** The masks of one example: {@code time[k] = {first frame, width}}, {@code freq[k] = {first bin, height}}. */
  public record Masks(int[][] time, int[][] freq) {}

  /**
   * The seed of an example's masks: a 64-bit mix of the train seed, the epoch and the FNV-1a hash
   * of the id's UTF-8 bytes (nothing else: not the partition, worker, step or batch).
   */
  public static long exampleSeed(long seed, int epoch, String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(mix(mix(seed) ^ epoch) ^ h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /**
   * The masks of example {@code id} in {@code epoch} of a run with train seed {@code seed}, for a
   * tensor of {@code nMels} bins whose first {@code validFrames} frames are valid: the time masks
   * drawn first, then the frequency masks, from {@code SplittableRandom(exampleSeed)}.
   */
  public Masks masks(long seed, int epoch, String id, int nMels, int validFrames) {
    SplittableRandom random = new SplittableRandom(exampleSeed(seed, epoch, id));
    int valid = Math.max(0, validFrames);
    int[][] time = new int[timeMasks][];
    for (int k = 0; k < timeMasks; k++) {
      int width = Math.min(random.nextInt(timeMaskWidth + 1), valid);
      time[k] = new int[] {random.nextInt(valid - width + 1), width};
    }
    int[][] freq = new int[freqMasks][];
    for (int k = 0; k < freqMasks; k++) {
      int height = Math.min(random.nextInt(freqMaskWidth + 1), nMels);
      freq[k] = new int[] {random.nextInt(nMels - height + 1), height};
    }
    return new Masks(time, freq);
  }

  /**
   * The input of a training step on {@code batch} in {@code epoch} of a run seeded {@code seed}:
   * the batch's own tensor when not enabled, else a masked copy; {@code batch.x()}, the target,
   * is never changed.
   */
  public INDArray input(TensorBatches.Batch batch, long seed, int epoch) {
    if (!enabled) {
      return batch.x();
    }
    INDArray x = batch.x().dup('c');
    int nMels = (int) x.size(2);
    float fill = (float) fillValue;
    for (int i = 0; i < batch.ids().size(); i++) {
      int valid = batch.validFrames()[i];
      Masks m = masks(seed, epoch, batch.ids().get(i), nMels, valid);
      for (int[] t : m.time()) {
        if (t[1] > 0) {
          x.get(NDArrayIndex.point(i), NDArrayIndex.point(0), NDArrayIndex.all(),
              NDArrayIndex.interval(t[0], t[0] + t[1])).assign(fill);
        }
      }
      for (int[] f : m.freq()) {
        if (f[1] > 0 && valid > 0) {
          x.get(NDArrayIndex.point(i), NDArrayIndex.point(0), NDArrayIndex.interval(f[0], f[0] + f[1]),
              NDArrayIndex.interval(0, valid)).assign(fill);
        }
      }
    }
    return x;
  }

  /** These settings bound to a run's seed and an epoch, for the executors. */
  public Epoch epoch(long seed, int epoch) {
    return new Epoch(this, seed, epoch);
  }

  /**
   * {@link SpecAugment} bound to a run's train seed and an epoch (serializable, for the executors).
   *
   * @param settings the section
   * @param seed the train seed
   * @param epoch the epoch (1 the first)
   */
  public record Epoch(SpecAugment settings, long seed, int epoch) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@link SpecAugment#input} of {@code batch}. */
    public INDArray input(TensorBatches.Batch batch) {
      return settings.input(batch, seed, epoch);
    }
  }
}
