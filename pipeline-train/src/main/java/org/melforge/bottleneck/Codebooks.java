package org.melforge.bottleneck;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Nearest-code search and code lookup on a codebook of shape (K, D). */
public final class Codebooks {

  private Codebooks() {}

  /**
   * Squared distances (N, K) between rows of {@code z} (N, D) and the codes of {@code e} (K, D).
   * The product goes straight to BLAS ({@code Nd4j.gemm}): {@code INDArray.mmul} took about 6x as
   * long for the quantizers' shapes (e.g. 5120 x 64 times 64 x 512).
   */
  public static INDArray squaredDistances(INDArray z, INDArray e) {
    INDArray zz = z.mul(z).sum(true, 1);
    INDArray ee = e.mul(e).sum(true, 1).reshape(1, e.rows());
    INDArray d = Nd4j.createUninitialized(z.dataType(), z.rows(), e.rows());
    Nd4j.gemm(z, e, d, false, true, -2.0, 0.0);
    return d.addiColumnVector(zz).addiRowVector(ee);
  }

  /** Index of the nearest code for every row of {@code z}; ties go to the lowest index. */
  public static long[] nearest(INDArray z, INDArray e) {
    INDArray idx = Nd4j.argMin(squaredDistances(z, e), 1);
    return idx.toLongVector();
  }

  /** Rows (N, D) of the codebook for the given indices. */
  public static INDArray lookup(INDArray e, long[] indices) {
    INDArray out = Nd4j.create(e.dataType(), indices.length, e.columns());
    for (int i = 0; i < indices.length; i++) {
      out.putRow(i, e.getRow(indices[i]));
    }
    return out;
  }

  /** NCHW (B, D, h, w) to rows (B*h*w, D), in (b, y, x) order. */
  public static INDArray rows(INDArray nchw) {
    long d = nchw.size(1);
    return nchw.permute(0, 2, 3, 1).dup('c').reshape(-1, d);
  }

  /** Rows (B*h*w, D) back to NCHW (B, D, h, w). */
  public static INDArray nchw(INDArray rows, long batch, long h, long w) {
    return rows.reshape(batch, h, w, rows.columns()).permute(0, 3, 1, 2).dup('c');
  }
}
