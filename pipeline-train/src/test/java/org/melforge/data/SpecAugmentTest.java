package org.melforge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.melforge.config.ConfigValidationException;
import org.melforge.model.TinyPresets;
import org.melforge.training.TrainOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SpecAugment of training inputs: masks counted and bounded as configured, seeded by (seed,
 * epoch, id) alone, applied to a copy (the target batch is never touched), confined to the valid
 * frames (padding unchanged), and its settings validated with the key and the value named.
 */
class SpecAugmentTest {

  private static final int MELS = 16;
  private static final int FRAMES = 40;
  private static final float FILL = -0.25f;
  private static final SpecAugment AUGMENT = new SpecAugment(true, 2, 8, 3, 4, FILL);

  /** Tensors with values in (0, 1), none equal to the fill value. */
  private static INDArray tensors(int b) {
    return Nd4j.rand(DataType.FLOAT, b, 1, MELS, FRAMES).muli(0.9).addi(0.05);
  }

  private static List<String> ids(int b) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      out.add("speaker-" + i + ".w000" + i);
    }
    return out;
  }

  /** Cell (m, f) of example i is masked by {@code masks}, given its valid frames. */
  private static boolean masked(SpecAugment.Masks masks, int m, int f, int valid) {
    for (int[] t : masks.time()) {
      if (f >= t[0] && f < t[0] + t[1]) {
        return true;
      }
    }
    for (int[] q : masks.freq()) {
      if (m >= q[0] && m < q[0] + q[1] && f < valid) {
        return true;
      }
    }
    return false;
  }

  @Test
  void masksAreCountedAndBoundedAsConfigured() {
    boolean sawWideTime = false;
    boolean sawWideFreq = false;
    for (int n = 0; n < 200; n++) {
      int valid = n % 2 == 0 ? FRAMES : 5 + n % 30;
      SpecAugment.Masks m = AUGMENT.masks(3, 1, "id" + n, MELS, valid);
      assertEquals(2, m.time().length);
      assertEquals(3, m.freq().length);
      for (int[] t : m.time()) {
        assertTrue(t[1] >= 0 && t[1] <= 8 && t[0] >= 0 && t[0] + t[1] <= valid,
            Arrays.toString(t) + " within " + valid + " valid frames");
        sawWideTime |= t[1] == 8;
      }
      for (int[] q : m.freq()) {
        assertTrue(q[1] >= 0 && q[1] <= 4 && q[0] >= 0 && q[0] + q[1] <= MELS, Arrays.toString(q));
        sawWideFreq |= q[1] == 4;
      }
    }
    assertTrue(sawWideTime && sawWideFreq, "the widest masks are drawn too");
    SpecAugment.Masks none = new SpecAugment(true, 0, 0, 1, 2, 0).masks(3, 1, "x", MELS, FRAMES);
    assertEquals(0, none.time().length);
    assertEquals(1, none.freq().length);
  }

  @Test
  void theInputIsAMaskedCopyAndTheTargetIsUntouched() {
    int b = 4;
    INDArray x = tensors(b);
    INDArray clean = x.dup();
    int[] valid = {FRAMES, 30, 12, 0};
    TensorBatches.Batch batch = new TensorBatches.Batch(x, ids(b), valid);
    INDArray input = AUGMENT.input(batch, 11, 2);
    assertEquals(clean, x, "the target batch is unchanged");
    assertFalse(input == x);
    long maskedCells = 0;
    for (int i = 0; i < b; i++) {
      SpecAugment.Masks masks = AUGMENT.masks(11, 2, ids(b).get(i), MELS, valid[i]);
      for (int m = 0; m < MELS; m++) {
        for (int f = 0; f < FRAMES; f++) {
          float got = input.getFloat(i, 0, m, f);
          if (masked(masks, m, f, valid[i])) {
            assertEquals(FILL, got, "example " + i + " (" + m + ", " + f + ") masked");
            maskedCells++;
          } else {
            assertEquals(clean.getFloat(i, 0, m, f), got, "example " + i + " (" + m + ", " + f + ")");
          }
          if (f >= valid[i]) {
            assertEquals(clean.getFloat(i, 0, m, f), got, "padding frame " + f + " of example " + i);
          }
        }
      }
    }
    assertTrue(maskedCells > 0);
  }

  @Test
  void masksDependOnSeedEpochAndIdOnly() {
    INDArray x = tensors(3);
    List<String> ids = List.of("a.w0000", "b.w0000", "c.w0001");
    int[] valid = {FRAMES, 25, FRAMES};
    INDArray once = AUGMENT.input(new TensorBatches.Batch(x, ids, valid), 5, 1);
    assertEquals(once, AUGMENT.input(new TensorBatches.Batch(x, ids, valid), 5, 1), "rerun");
    // example c alone, first in a batch of its own (another partitioning, worker or position)
    INDArray alone = AUGMENT.input(new TensorBatches.Batch(x.get(
        org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 3)).dup(), List.of("c.w0001"),
        new int[] {FRAMES}), 5, 1);
    assertEquals(once.slice(2), alone.slice(0));
    int otherEpoch = 0;
    int otherSeed = 0;
    for (int n = 0; n < 50; n++) {
      String id = "row" + n;
      SpecAugment.Masks m = AUGMENT.masks(5, 1, id, MELS, FRAMES);
      SpecAugment.Masks again = AUGMENT.masks(5, 1, id, MELS, FRAMES);
      assertArrayEquals(m.time(), again.time());
      assertArrayEquals(m.freq(), again.freq());
      SpecAugment.Masks e2 = AUGMENT.masks(5, 2, id, MELS, FRAMES);
      otherEpoch += Arrays.deepEquals(m.time(), e2.time()) && Arrays.deepEquals(m.freq(), e2.freq()) ? 0 : 1;
      SpecAugment.Masks s6 = AUGMENT.masks(6, 1, id, MELS, FRAMES);
      otherSeed += Arrays.deepEquals(m.time(), s6.time()) && Arrays.deepEquals(m.freq(), s6.freq()) ? 0 : 1;
    }
    assertTrue(otherEpoch >= 45, "another epoch gives other masks: " + otherEpoch + " of 50");
    assertTrue(otherSeed >= 45, "another seed gives other masks: " + otherSeed + " of 50");
    assertEquals(SpecAugment.exampleSeed(5, 1, "a.w0000"), SpecAugment.exampleSeed(5, 1, "a.w0000"));
  }

  @Test
  void offReturnsTheBatchItself() {
    INDArray x = tensors(2);
    TensorBatches.Batch batch = new TensorBatches.Batch(x, ids(2), new int[] {FRAMES, FRAMES});
    assertSame(x, SpecAugment.OFF.input(batch, 1, 1));
    assertSame(x, new SpecAugment(false, 2, 8, 2, 4, 0).epoch(1, 1).input(batch));
  }

  private static List<String> problems(String... overrides) {
    return assertThrows(ConfigValidationException.class,
        () -> TrainOptions.from(TinyPresets.config("vqvae-80x128-tiny", overrides))).problems();
  }

  @Test
  void settingsAreValidatedNamingKeyAndValue() {
    SpecAugment defaults = TinyPresets.options("vqvae-80x128-tiny").specAugment();
    assertEquals(new SpecAugment(false, 2, 30, 2, 15, 0.0), defaults);
    assertEquals(new SpecAugment(true, 1, 10, 0, 15, -1.0), TrainOptions.from(TinyPresets.config(
        "vqvae-80x128-tiny", "train.spec-augment.enabled=true", "train.spec-augment.time-masks=1",
        "train.spec-augment.time-mask-width=10", "train.spec-augment.freq-masks=0",
        "train.spec-augment.fill-value=-1")).specAugment());
    assertEquals(List.of("train.spec-augment.time-masks: -1 is out of range [0, 64] (time masks per example)"),
        problems("train.spec-augment.time-masks=-1"));
    assertTrue(problems("train.spec-augment.fill-value=1.5").get(0)
        .startsWith("train.spec-augment.fill-value: 1.5 is out of range [-1, 1]"));
    assertEquals(List.of("train.spec-augment.time-mask-widht: unknown key (did you mean"
        + " 'spec-augment.time-mask-width'?)"), problems("train.spec-augment.time-mask-widht=3"));
    assertEquals(List.of("train.spec-augment.freq-mask-width: 0 masks no mel bin though freq-masks"
        + " = 2 (set freq-masks = 0 for no frequency masks)"),
        problems("train.spec-augment.enabled=true", "train.spec-augment.freq-mask-width=0"));
    assertEquals(List.of("train.spec-augment.enabled: true, but time-masks = 0 and freq-masks = 0"
        + " mask nothing"), problems("train.spec-augment.enabled=true",
        "train.spec-augment.time-masks=0", "train.spec-augment.freq-masks=0"));
    // off: the same settings are not a problem
    TrainOptions.from(TinyPresets.config("vqvae-80x128-tiny", "train.spec-augment.freq-mask-width=0"));
    assertEquals(List.of("p.time-mask-width: 30 is wider than the table's 20 frames",
        "p.freq-mask-width: 15 is wider than the table's 8 mel bins"),
        new SpecAugment(true, 2, 30, 2, 15, 0).problems("p", 8, 20));
    assertEquals(List.of(), new SpecAugment(false, 2, 30, 2, 15, 0).problems("p", 8, 20));
  }
}
