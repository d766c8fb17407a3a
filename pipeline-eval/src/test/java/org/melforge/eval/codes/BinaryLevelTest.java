package org.melforge.eval.codes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binary levels against plain Java: +1 fraction and entropy of every bit, each group's sub-code
 * usage, distinct codes; and a BSQ model's level statistics equal to those of its codes.
 */
class BinaryLevelTest {

  static double entropyBits(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double h = 0;
    for (long c : counts) {
      h -= c == 0 ? 0 : (double) c / total * Math.log((double) c / total) / Math.log(2);
    }
    return h;
  }

  static String binary(long code, int bits) {
    return String.format("%" + bits + "s", Long.toBinaryString(code)).replace(' ', '0');
  }

  @Test
  void bitsGroupsAndCodesFollowTheirDefinitions() {
    int bits = 6;
    int g = 3;
    Random r = new Random(8);
    long[] codes = new long[2 * 5 * 4];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = r.nextInt(1 << bits);
    }
    BinaryLevel level = new BinaryLevel("bsq", bits, g);
    level.add(Nd4j.createFromArray(codes).reshape(2, 5, 4));

    Set<Long> distinct = new HashSet<>();
    for (long c : codes) {
      distinct.add(c);
    }
    Map<String, Object> json = level.toJson(1.0);
    assertEquals("binary", json.get("kind"));
    assertEquals((long) distinct.size(), json.get("used"));
    assertEquals(1L << bits, json.get("codebook_size"));
    double[] plus = (double[]) json.get("bit_plus_fraction");
    double[] entropy = (double[]) json.get("bit_entropy_bits");
    for (int i = 0; i < bits; i++) {
      long[] counts = new long[2];
      for (long c : codes) {
        counts[binary(c, bits).charAt(i) - '0']++;
      }
      assertEquals((double) counts[1] / codes.length, plus[i], 1e-15, "bit " + i);
      assertEquals(entropyBits(counts), entropy[i], 1e-12, "bit " + i);
    }
    List<?> groups = (List<?>) json.get("groups");
    assertEquals(bits / g, groups.size());
    for (int group = 0; group < bits / g; group++) {
      long[] counts = new long[1 << g];
      for (long c : codes) {
        counts[Integer.parseInt(binary(c, bits).substring(group * g, (group + 1) * g), 2)]++;
      }
      long used = Arrays.stream(counts).filter(n -> n > 0).count();
      Map<?, ?> m = (Map<?, ?>) groups.get(group);
      assertEquals(used, m.get("used"), "group " + group);
      assertEquals((1L << g) - used, m.get("dead"), "group " + group);
      assertEquals(entropyBits(counts), (double) m.get("entropy_bits"), 1e-12, "group " + group);
    }
    assertThrows(IllegalArgumentException.class,
        () -> level.merge(new BinaryLevel("bsq", bits, 2)));
  }

  @Test
  void aBsqModelsLevelCountsTheCodesItEncodes() throws Exception {
    TokenizerModel model = TokenizerModel.create(TinyPresets.spec("bsq-cnn-80x128-tiny"), 1e-3, 4);
    INDArray x = TinyPresets.spectrograms(3, 80, 128, 6);
    LevelStatistics statistics = new LevelStatistics(model);
    statistics.add(model, model.activations(model.evaluationBatch(x, 0)));
    INDArray codes = model.encode(x).get("bsq");
    BinaryLevel expected = new BinaryLevel("bsq", 4, 2);
    expected.add(codes);
    ObjectMapper json = new ObjectMapper();
    assertEquals(json.writeValueAsString(expected.toJson(1.0)),
        json.writeValueAsString(statistics.binary("bsq").toJson(1.0)));
    assertEquals(List.of("bsq"), statistics.levels());
    assertArrayEquals(new long[] {3, 20, 32}, codes.shape());
    assertEquals(codes.length(), statistics.binary("bsq").codes(1.0).positions());
  }
}
