package org.melforge.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CodeCountsTest {

  @Test
  void usageMatchesTheDefinition() {
    CodeCounts counts = new CodeCounts(4);
    long[] uses = {3, 1, 0, 4};
    for (int code = 0; code < uses.length; code++) {
      for (int i = 0; i < uses[code]; i++) {
        counts.add(code);
      }
    }
    double entropy = 0;
    for (long n : uses) {
      if (n > 0) {
        entropy -= n / 8.0 * Math.log(n / 8.0);
      }
    }
    CodeUsage usage = counts.usage();
    assertEquals(Math.exp(entropy), usage.perplexity(), 1e-12);
    assertEquals(0.75, usage.usedFraction());
    assertEquals(1, usage.dead());
    assertEquals(new CodeUsage(0, 0, 4), new CodeCounts(4).usage());
  }

  @Test
  void mergedPartsEqualOneCountAndSparseEqualsDense() {
    long size = 1000;
    CodeCounts whole = new CodeCounts(size);
    CodeCounts[] parts = {new CodeCounts(size), new CodeCounts(size), new CodeCounts(size)};
    SplittableRandom random = new SplittableRandom(7);
    long[] codes = new long[5000];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = random.nextLong(size / 3) * 3;
      whole.add(codes[i]);
      parts[i % 3].add(codes[i]);
    }
    CodeCounts merged = new CodeCounts(size);
    for (CodeCounts p : parts) {
      merged.merge(p);
    }
    assertEquals(whole.usage(), merged.usage());
    long big = CodeCounts.DENSE_LIMIT * 4;
    CodeCounts sparse = new CodeCounts(big);
    for (long c : codes) {
      sparse.add(c * 1000);
    }
    CodeUsage dense = whole.usage();
    CodeUsage wide = sparse.usage();
    assertEquals(dense.perplexity(), wide.perplexity(), 1e-9);
    assertEquals(big - Math.round(dense.usedFraction() * size), wide.dead());
    assertEquals(whole.count(3), sparse.count(3000));
  }

  @Test
  void sparseCountsOfASmallCodebookMergeWithDenseOnesAndCopyTheirLayout() {
    CodeCounts dense = new CodeCounts(64);
    CodeCounts sparse = CodeCounts.sparse(64);
    long[] expected = new long[64];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 500; i++) {
      long code = random.nextLong(64);
      expected[(int) code]++;
      (i % 2 == 0 ? dense : sparse).add(code);
    }
    CodeCounts intoDense = dense.empty();
    intoDense.merge(dense);
    intoDense.merge(sparse);
    CodeCounts intoSparse = sparse.empty();
    intoSparse.merge(sparse);
    intoSparse.merge(dense);
    for (int code = 0; code < 64; code++) {
      assertEquals(expected[code], intoDense.count(code), "dense " + code);
      assertEquals(expected[code], intoSparse.count(code), "sparse " + code);
    }
    assertEquals(intoDense.usage().perplexity(), intoSparse.usage().perplexity(), 1e-12);
    assertEquals(intoDense.usage().dead(), intoSparse.usage().dead());
  }

  @Test
  void refusesCodesOutsideTheCodebookAndOtherSizes() {
    CodeCounts counts = new CodeCounts(16);
    assertThrows(IllegalArgumentException.class, () -> counts.add(16));
    assertThrows(IllegalArgumentException.class, () -> counts.merge(new CodeCounts(8)));
  }
}
