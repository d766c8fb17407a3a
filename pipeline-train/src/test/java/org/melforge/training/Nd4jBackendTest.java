package org.melforge.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The pinned ND4J stack resolves, its native backend loads and computes. */
class Nd4jBackendTest {

  @Test
  void backendLoadsAndMultiplies() {
    INDArray a = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
    INDArray b = Nd4j.createFromArray(new float[][] {{5, 6}, {7, 8}});
    assertArrayEquals(new float[] {19, 22, 43, 50}, a.mmul(b).reshape(4).toFloatVector(), 0f);
    String backend = Nd4j.getBackend().getClass().getName();
    assertTrue(backend.contains("CpuBackend") || backend.contains("JCublasBackend"), backend);
  }
}
