package org.melforge.data;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.melforge.tensorstore.TensorTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns tensor table rows into float32 batches of shape (b, 1, n_mels, n_frames), 'c' order, b =
 * {@code batchSize} except for a smaller last batch (unless {@code dropLast}). The {@code tensor}
 * bytes of each row are decoded straight into the batch buffer, and every row's {@code n_mels} and
 * {@code n_frames} must be the expected shape and every value finite and within the table's range
 * ({@link TensorValues}). Pure and serializable (no Spark context), so that
 * executors can batch their partitions: {@code rdd.mapPartitions(batches::iterator)}.
 *
 * @param nMels mel bins every row must have
 * @param nFrames frames every row must have
 * @param batchSize rows per batch
 * @param dropLast whether a last batch smaller than {@code batchSize} is dropped
 */
public record TensorBatches(int nMels, int nFrames, int batchSize, boolean dropLast) implements Serializable {

  /** Rejects non-positive sizes and batches of 2 GiB or more. */
  public TensorBatches {
    if (nMels < 1 || nFrames < 1) {
      throw new IllegalArgumentException("tensor shape must be positive, got (" + nMels + ", " + nFrames + ")");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if ((long) batchSize * nMels * nFrames * Float.BYTES > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a batch of " + batchSize + " tensors (" + nMels + ", " + nFrames
          + ") would exceed 2 GiB");
    }
  }

  /**
   * A batch with the id and the valid frames ({@code valid_frames}; {@code n_frames} when the
   * rows have no such column) of each of its rows, in batch order.
   *
   * @param x the tensors (b, 1, n_mels, n_frames)
   * @param ids the rows' ids
   * @param validFrames the rows' valid frames, within [0, n_frames]
   */
  public record Batch(INDArray x, List<String> ids, int[] validFrames) {}

  /**
   * The batches of {@code rows}, tensor table rows with their schema (at least {@code id},
   * {@code n_mels}, {@code n_frames}, {@code tensor}). Lazy: each batch consumes its rows only.
   * {@code next()} throws {@link IllegalArgumentException} naming the row when a row's shape,
   * tensor size or values are not the expected ones.
   */
  public Iterator<INDArray> iterator(Iterator<Row> rows) {
    Iterator<Batch> batches = examples(rows);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return batches.hasNext();
      }

      @Override
      public INDArray next() {
        return batches.next().x();
      }
    };
  }

  /** {@link #iterator}'s batches with their rows' ids and valid frames. */
  public Iterator<Batch> examples(Iterator<Row> rows) {
    return new Iterator<>() {
      private final List<Row> pending = new ArrayList<>(batchSize);

      @Override
      public boolean hasNext() {
        while (pending.size() < batchSize && rows.hasNext()) {
          pending.add(rows.next());
        }
        return pending.size() == batchSize || !pending.isEmpty() && !dropLast;
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more batches");
        }
        List<String> ids = new ArrayList<>(pending.size());
        int[] valid = new int[pending.size()];
        for (int i = 0; i < valid.length; i++) {
          Row row = pending.get(i);
          ids.add(String.valueOf((Object) row.getAs(TensorTable.ID)));
          valid[i] = validFrames(row);
        }
        Batch batch = new Batch(batch(pending), List.copyOf(ids), valid);
        pending.clear();
        return batch;
      }
    };
  }

  private int validFrames(Row row) {
    if (row.schema() == null
        || !java.util.Arrays.asList(row.schema().fieldNames()).contains(TensorTable.VALID_FRAMES)) {
      return nFrames;
    }
    int valid = row.getAs(TensorTable.VALID_FRAMES);
    return Math.max(0, Math.min(nFrames, valid));
  }

  private INDArray batch(List<Row> rows) {
    int size = nMels * nFrames;
    INDArray batch = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows.size(), 1, nMels, nFrames}, 'c');
    FloatBuffer target = batch.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < rows.size(); i++) {
      target.position(i * size);
      FloatBuffer values = ByteBuffer.wrap(tensor(rows.get(i))).order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer();
      String problem = new TensorValues(nFrames).problem(values.duplicate());
      if (problem != null) {
        throw new IllegalArgumentException("row '" + rows.get(i).getAs(TensorTable.ID)
            + "' has a bad tensor: " + problem);
      }
      target.put(values);
    }
    Nd4j.getAffinityManager().tagLocation(batch, AffinityManager.Location.HOST);
    return batch;
  }

  private byte[] tensor(Row row) {
    int mels = row.getAs(TensorTable.N_MELS);
    int frames = row.getAs(TensorTable.N_FRAMES);
    if (mels != nMels || frames != nFrames) {
      throw new IllegalArgumentException("row '" + row.getAs(TensorTable.ID) + "' has tensor shape (" + mels + ", "
          + frames + "), expected (" + nMels + ", " + nFrames + ")");
    }
    byte[] tensor = row.getAs(TensorTable.TENSOR);
    if (tensor.length != nMels * nFrames * Float.BYTES) {
      throw new IllegalArgumentException("row '" + row.getAs(TensorTable.ID) + "' has a tensor of " + tensor.length
          + " bytes, expected " + nMels * nFrames * Float.BYTES + " (float32 " + nMels + " x " + nFrames + ")");
    }
    return tensor;
  }
}
