package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaRDDComparisons;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.spark.TestSpark;

class CorpusReaderTest {

  @TempDir
  Path tmp;

  @Test
  void missingRootIsAConfigurationError() {
    String missing = tmp.resolve("nowhere").toString();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CorpusReader.catalog(
        TestSpark.get(), new CorpusInput(missing, Layout.FOLDER, "x", SplitPolicy.defaults(), SplitMode.OFFICIAL)));
    assertTrue(e.getMessage().contains("does not exist: file:" + missing), e.getMessage());
  }

  @Test
  void fileRootIsAConfigurationError() {
    String file = CorpusFixtures.resource("folder").resolve("a.wav").toString();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CorpusReader.catalog(
        TestSpark.get(), new CorpusInput(file, null, "x", SplitPolicy.defaults(), SplitMode.OFFICIAL)));
    assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
  }

  @Test
  void inputRejectsBlankNames() {
    SplitPolicy splits = SplitPolicy.defaults();
    assertThrows(IllegalArgumentException.class, () -> new CorpusInput(" ", null, "x", splits, SplitMode.OFFICIAL));
    assertThrows(IllegalArgumentException.class, () -> new CorpusInput("/data", null, "", splits, SplitMode.OFFICIAL));
    assertThrows(NullPointerException.class, () -> new CorpusInput("/data", null, "x", null, SplitMode.OFFICIAL));
    assertThrows(NullPointerException.class, () -> new CorpusInput("/data", null, "x", splits, null));
  }

  @Test
  void fileUriAndPlainPathGiveTheSameCatalog() {
    Path root = CorpusFixtures.resource("librispeech/LibriSpeech");
    Dataset<Row> plain = CorpusFixtures.catalog(root, null, "ls");
    Dataset<Row> uri = CorpusReader.catalog(TestSpark.get(),
        new CorpusInput(root.toUri().toString(), null, "ls", CorpusFixtures.SPLITS, SplitMode.OFFICIAL));
    assertEquals(5, uri.count());
    JavaRDDComparisons.assertRDDEquals(plain.toJavaRDD(), uri.toJavaRDD());
  }

  @Test
  void rddComparisonFailsOnADifference() {
    Dataset<Row> catalog = CorpusFixtures.catalog(CorpusFixtures.resource("folder"), null, "a");
    Dataset<Row> renamed = CorpusFixtures.catalog(CorpusFixtures.resource("folder"), null, "b");
    assertThrows(Throwable.class, () -> JavaRDDComparisons.assertRDDEquals(catalog.toJavaRDD(), renamed.toJavaRDD()));
  }
}
