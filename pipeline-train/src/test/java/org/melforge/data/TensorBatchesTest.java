package org.melforge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Batching of hand-made rows, without Spark: shapes, layout, last batch, shape checks. */
class TensorBatchesTest {

  private static final int MELS = 3;
  private static final int FRAMES = 4;
  private static final StructType SCHEMA = new StructType()
      .add(TensorTable.ID, "string").add(TensorTable.N_MELS, "int").add(TensorTable.N_FRAMES, "int")
      .add(TensorTable.TENSOR, "binary");

  /** Row {@code index} whose value at (m, f) is (index * 100 + m * 10 + f) / 1000, in [0, 1). */
  private static Row row(int index, int mels, int frames) {
    ByteBuffer bytes = ByteBuffer.allocate(mels * frames * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int m = 0; m < mels; m++) {
      for (int f = 0; f < frames; f++) {
        bytes.putFloat(value(index, m, f));
      }
    }
    return new GenericRowWithSchema(new Object[] {"r" + index + ".w0000", mels, frames, bytes.array()}, SCHEMA);
  }

  private static float value(int index, int m, int f) {
    return (index * 100 + m * 10 + f) / 1000f;
  }

  private static List<Row> rows(int n) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(row(i, MELS, FRAMES));
    }
    return out;
  }

  private static List<INDArray> all(Iterator<INDArray> batches) {
    List<INDArray> out = new ArrayList<>();
    batches.forEachRemaining(out::add);
    return out;
  }

  @Test
  void batchesAreFloat32MelMajorWithASmallerLastBatch() {
    List<INDArray> batches = all(new TensorBatches(MELS, FRAMES, 2, false).iterator(rows(5).iterator()));

    assertEquals(3, batches.size());
    assertArrayEquals(new long[] {2, 1, MELS, FRAMES}, batches.get(0).shape());
    assertArrayEquals(new long[] {1, 1, MELS, FRAMES}, batches.get(2).shape());
    for (int b = 0; b < batches.size(); b++) {
      INDArray batch = batches.get(b);
      assertEquals(DataType.FLOAT, batch.dataType());
      assertEquals('c', batch.ordering());
      for (int i = 0; i < batch.size(0); i++) {
        for (int m = 0; m < MELS; m++) {
          for (int f = 0; f < FRAMES; f++) {
            assertEquals(value(b * 2 + i, m, f), batch.getFloat(i, 0, m, f), 0f, "row " + i + " of " + b);
          }
        }
      }
    }
  }

  @Test
  void dropLastDropsOnlyAShortLastBatch() {
    assertEquals(2, all(new TensorBatches(MELS, FRAMES, 2, true).iterator(rows(5).iterator())).size());
    assertEquals(2, all(new TensorBatches(MELS, FRAMES, 2, true).iterator(rows(4).iterator())).size());
    assertEquals(0, all(new TensorBatches(MELS, FRAMES, 8, true).iterator(rows(5).iterator())).size());
    Iterator<INDArray> none = new TensorBatches(MELS, FRAMES, 2, false).iterator(List.<Row>of().iterator());
    assertFalse(none.hasNext());
    assertThrows(NoSuchElementException.class, none::next);
  }

  @Test
  void rowWithAValueThatIsNotFiniteOrOutOfRangeIsNamed() {
    List<Row> rows = rows(2);
    ByteBuffer bad = ByteBuffer.wrap(((byte[]) rows.get(1).get(3)).clone()).order(ByteOrder.LITTLE_ENDIAN);
    bad.putFloat((1 * FRAMES + 2) * Float.BYTES, Float.NaN);
    rows.set(1, new GenericRowWithSchema(new Object[] {"r1.w0000", MELS, FRAMES, bad.array()}, SCHEMA));
    Iterator<INDArray> batches = new TensorBatches(MELS, FRAMES, 2, false).iterator(rows.iterator());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, batches::next);
    assertEquals("row 'r1.w0000' has a bad tensor: value NaN at (mel 1, frame 2)", e.getMessage());
  }

  @Test
  void rowOfAnotherShapeIsNamed() {
    List<Row> rows = rows(3);
    rows.set(1, row(7, FRAMES, MELS));
    Iterator<INDArray> batches = new TensorBatches(MELS, FRAMES, 2, false).iterator(rows.iterator());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, batches::next);
    assertEquals("row 'r7.w0000' has tensor shape (4, 3), expected (3, 4)", e.getMessage());
  }

  @Test
  void tensorOfTheWrongSizeIsNamed() {
    Row shortTensor = new GenericRowWithSchema(new Object[] {"cut.w0001", MELS, FRAMES, new byte[40]}, SCHEMA);
    Iterator<INDArray> batches = new TensorBatches(MELS, FRAMES, 2, false).iterator(List.of(shortTensor).iterator());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, batches::next);
    assertEquals("row 'cut.w0001' has a tensor of 40 bytes, expected 48 (float32 3 x 4)", e.getMessage());
  }

  @Test
  void sizesAreValidated() {
    assertEquals("batchSize must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new TensorBatches(MELS, FRAMES, 0, false)).getMessage());
    assertEquals("tensor shape must be positive, got (0, 4)",
        assertThrows(IllegalArgumentException.class, () -> new TensorBatches(0, FRAMES, 1, false)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TensorBatches(128, 320, 1 << 16, false));
  }
}
