package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.melforge.SharedData;
import org.melforge.tensorstore.TensorTable;

/** The shared sample corpora, when this machine has them. */
class RealCorporaTest {

  private static final Path DATA = SharedData.root();
  private static final Map<Integer, String> SEX = Map.of(7021, "F", 7127, "M", 7264, "F", 7385, "M");

  @Test
  void nsynthMini() throws IOException {
    Path root = DATA.resolve("nsynth-mini");
    assumeTrue(Files.isDirectory(root), "no " + root);
    Map<String, Row> rows = CorpusFixtures.byId(CorpusFixtures.catalog(root, null, "nsynth"));

    assertEquals(96, rows.size());
    assertEquals(CorpusFixtures.files(root.resolve("audio"), ".wav"), CorpusFixtures.sourcePaths(rows.values()));
    rows.forEach((id, r) -> {
      assertNull(r.getAs(Catalog.ERROR_REASON), () -> r.getAs(Catalog.ERROR_MESSAGE));
      assertEquals(CorpusFixtures.SPLITS.assign(id), r.getAs(Catalog.SPLIT));
      assertEquals(10, r.getList(r.fieldIndex("qualities")).size());
      assertTrue(id.startsWith(r.<String>getAs("instrument")), id);
    });
    Row row = rows.get("keyboard_acoustic_004-036-025");
    assertEquals(36, row.<Integer>getAs("pitch"));
    assertEquals(25, row.<Integer>getAs("velocity"));
    assertEquals("keyboard", row.getAs("instrument_family"));
    assertEquals("acoustic", row.getAs("instrument_source"));
  }

  @Test
  void librispeechMini() throws IOException {
    Path root = DATA.resolve("librispeech-mini/LibriSpeech");
    assumeTrue(Files.isDirectory(root), "no " + root);
    Map<String, Row> rows = CorpusFixtures.byId(CorpusFixtures.catalog(root, null, "librispeech"));

    assertEquals(32, rows.size());
    assertEquals(CorpusFixtures.files(root, ".flac"), CorpusFixtures.sourcePaths(rows.values()));
    rows.forEach((id, r) -> {
      assertNull(r.getAs(Catalog.ERROR_REASON), () -> r.getAs(Catalog.ERROR_MESSAGE));
      assertEquals("valid", r.getAs(Catalog.SPLIT));
      assertEquals(SEX.get(r.<Integer>getAs("speaker")), r.getAs(TensorTable.SPEAKER_SEX), id);
      assertTrue(!r.<String>getAs("transcript").isEmpty(), id);
    });
    assertEquals("THE SHIP LEFT HARBOUR ON A FALLING TIDE", rows.get("7385-104412-0000").getAs("transcript"));
  }
}
