package org.melforge.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.melforge.data.SpecAugment;
import org.melforge.data.TensorBatches;
import org.melforge.model.LossParts;
import org.melforge.model.ModelSpec;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The executors' training batches with SpecAugment ({@link EpochShards.Batcher}): the graph's
 * input is masked, every label is the clean tensor, a row gets the same masks in whatever
 * partition and position it lands, padded frames keep their value, and the training metrics'
 * reconstruction error is measured against the clean labels.
 */
class AugmentedBatchesTest {

  private static final String PRESET = "timbre-vae-tiny";
  private static final StructType SCHEMA = new StructType()
      .add(TensorTable.ID, "string").add(TensorTable.N_MELS, "int").add(TensorTable.N_FRAMES, "int")
      .add(TensorTable.VALID_FRAMES, "int").add(TensorTable.TENSOR, "binary");
  private static final SpecAugment AUGMENT = new SpecAugment(true, 2, 20, 2, 10, 0.0);

  /** Row {@code i} of the tiny preset's shape, its frames from {@code valid} on padding (-1). */
  private static Row row(int i, ModelSpec spec, int valid) {
    INDArray x = TinyPresets.spectrograms(1, spec.nMels(), spec.nFrames(), 100 + i);
    x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
        NDArrayIndex.interval(valid, spec.nFrames())).assign(-1);
    ByteBuffer bytes = ByteBuffer.allocate((int) x.length() * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (float v : x.dup('c').data().asFloat()) {
      bytes.putFloat(v);
    }
    return new GenericRowWithSchema(new Object[] {"src" + i + ".w0000", spec.nMels(),
        spec.nFrames(), valid, bytes.array()}, SCHEMA);
  }

  private static List<MultiDataSet> batches(EpochShards.Batcher batcher, List<Row> rows, int partition) {
    List<MultiDataSet> out = new ArrayList<>();
    batcher.batches(rows.iterator(), 10, 0, partition).forEachRemaining(out::add);
    return out;
  }

  @Test
  void inputsAreMaskedLabelsStayCleanAndMasksFollowTheRow() {
    ModelSpec spec = TinyPresets.spec(PRESET);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      rows.add(row(i, spec, i == 1 ? spec.nFrames() / 2 : spec.nFrames()));
    }
    TensorBatches tensors = new TensorBatches(spec.nMels(), spec.nFrames(), 2, false);
    EpochShards.Batcher batcher = new EpochShards.Batcher(spec, tensors, 7, AUGMENT.epoch(7, 3));
    List<MultiDataSet> got = batches(batcher, rows, 0);
    assertEquals(2, got.size());
    Iterator<INDArray> clean = tensors.iterator(rows.iterator());
    for (MultiDataSet b : got) {
      INDArray x = clean.next();
      assertEquals(x, b.getLabels(0), "the reconstruction target is the clean tensor");
      assertNotEquals(x, b.getFeatures(0), "the input is masked");
      // the row with padding: padded frames are not masked
      INDArray pad = b.getFeatures(0).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
          NDArrayIndex.interval(spec.nFrames() / 2, spec.nFrames()));
      INDArray cleanPad = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
          NDArrayIndex.interval(spec.nFrames() / 2, spec.nFrames()));
      if (b == got.get(0)) {
        assertEquals(cleanPad.slice(1), pad.slice(1), "padding of row 1 unchanged");
      }
    }
    // the same rows in another order, partition and batch size: each row masked alike
    List<Row> reversed = new ArrayList<>(rows);
    java.util.Collections.reverse(reversed);
    EpochShards.Batcher other = new EpochShards.Batcher(spec,
        new TensorBatches(spec.nMels(), spec.nFrames(), 3, false), 7, AUGMENT.epoch(7, 3));
    List<MultiDataSet> again = batches(other, reversed, 5);
    INDArray firstOrder = concat(got);
    INDArray secondOrder = concat(again);
    for (int i = 0; i < 4; i++) {
      assertEquals(firstOrder.slice(i), secondOrder.slice(3 - i), "row " + i);
    }
    // another epoch, other masks
    EpochShards.Batcher nextEpoch = new EpochShards.Batcher(spec, tensors, 7, AUGMENT.epoch(7, 4));
    assertNotEquals(firstOrder, concat(batches(nextEpoch, rows, 0)));
  }

  private static INDArray concat(List<MultiDataSet> batches) {
    return org.nd4j.linalg.factory.Nd4j.concat(0,
        batches.stream().map(b -> b.getFeatures(0)).toArray(INDArray[]::new));
  }

  @Test
  void theReconstructionErrorIsAgainstTheCleanLabels() {
    ModelSpec spec = TinyPresets.spec(PRESET);
    TokenizerModel model = TokenizerModel.create(spec, 1e-3, 5);
    INDArray clean = TinyPresets.spectrograms(2, spec.nMels(), spec.nFrames(), 9);
    INDArray input = AUGMENT.input(new TensorBatches.Batch(clean, List.of("a", "b"),
        new int[] {spec.nFrames(), spec.nFrames()}), 1, 1);
    MultiDataSet batch = model.batch(input, clean, 0, new java.util.Random(1));
    assertEquals(clean, batch.getLabels(0));
    Map<String, INDArray> acts = model.activations(batch);
    INDArray out = acts.get(model.reconstructionVertex());
    double againstClean = out.squaredDistance(clean) / clean.length();
    double againstInput = out.squaredDistance(input) / clean.length();
    assertTrue(Math.abs(againstClean - againstInput) > 1e-6);
    assertEquals(againstClean, LossParts.measure(model, acts, batch).get("recon"), 1e-6);
  }
}
