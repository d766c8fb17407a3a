package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.melforge.corpus.CorpusFixtures.assertError;
import static org.melforge.corpus.CorpusFixtures.byId;
import static org.melforge.corpus.CorpusFixtures.catalog;
import static org.melforge.corpus.CorpusFixtures.uri;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.melforge.tensorstore.TensorTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibriSpeechCatalogTest {

  private static final String DEV_CHAPTER = "dev-clean/7021/101310/";
  private static final String TRAIN_CHAPTER = "train-clean-100/60/121082/";

  @TempDir
  Path tmp;

  @Test
  void corpusRootGivesOneRowPerFlacAndPerTranscriptLine() throws IOException {
    Path root = CorpusFixtures.resource("librispeech/LibriSpeech");
    Map<String, Row> rows = byId(catalog(root, Layout.LIBRISPEECH, "librispeech"));

    assertEquals(List.of("60-121082-0000", "60-121082-0001", "7021-101310-0000", "7021-101310-0001",
        "7021-101310-0002"), new ArrayList<>(rows.keySet()));
    List<Row> flacRows = new ArrayList<>(rows.values());
    flacRows.remove(rows.get("7021-101310-0002"));
    assertEquals(CorpusFixtures.files(root, ".flac"), CorpusFixtures.sourcePaths(flacRows));
    assertEquals(uri(root.resolve(DEV_CHAPTER + "7021-101310-0002.flac")),
        rows.get("7021-101310-0002").getAs(Catalog.SOURCE_PATH));
    rows.forEach((id, r) -> assertEquals(id.startsWith("60-") ? "train" : "valid", r.getAs(Catalog.SPLIT), id));
    rows.forEach((id, r) -> assertEquals(id.startsWith("60-") ? "M" : "F", r.getAs(TensorTable.SPEAKER_SEX), id));
  }

  @Test
  void usableRowsCarryIdsAndTranscript() {
    Path root = CorpusFixtures.resource("librispeech/LibriSpeech");
    Row row = byId(catalog(root, Layout.LIBRISPEECH, "librispeech")).get("7021-101310-0001");

    assertEquals(uri(root.resolve(DEV_CHAPTER + "7021-101310-0001.flac")), row.getAs(Catalog.SOURCE_PATH));
    assertEquals("librispeech", row.getAs(Catalog.DATASET));
    assertEquals(7021, row.<Integer>getAs("speaker"));
    assertEquals(101310, row.<Integer>getAs("chapter"));
    assertEquals(1, row.<Integer>getAs("utterance"));
    assertEquals("SHE CLIMBED THE STAIRS", row.getAs("transcript"));
    assertNull(row.getAs(Catalog.ERROR_REASON));
    assertNull(row.getAs("pitch"));
  }

  @Test
  void unusableItemsGetTheirReason() {
    Map<String, Row> rows = byId(catalog(CorpusFixtures.resource("librispeech/LibriSpeech"), Layout.LIBRISPEECH,
        "librispeech"));

    assertError(rows.get("7021-101310-0002"), "missing_audio",
        "7021-101310.trans.txt has a line for utterance '7021-101310-0002' but 7021-101310-0002.flac is missing");
    assertEquals("NOBODY CAME THAT NIGHT", rows.get("7021-101310-0002").getAs("transcript"));
    assertError(rows.get("60-121082-0001"), "missing_metadata",
        "no transcript line for utterance '60-121082-0001' in 60-121082.trans.txt");
    assertEquals(3, rows.values().stream().filter(r -> r.getAs(Catalog.ERROR_REASON) == null).count());
  }

  @Test
  void subsetRootReadsSpeakersOfItsParent() {
    Map<String, Row> rows = byId(catalog(CorpusFixtures.resource("librispeech/LibriSpeech/dev-clean"), null, "ls"));

    assertEquals(List.of("7021-101310-0000", "7021-101310-0001", "7021-101310-0002"), new ArrayList<>(rows.keySet()));
    rows.values().forEach(r -> assertEquals("F", r.getAs(TensorTable.SPEAKER_SEX)));
    rows.values().forEach(r -> assertEquals("valid", r.getAs(Catalog.SPLIT)));
  }

  @Test
  void subsetRootWithoutSpeakersFileHasNoSex() throws IOException {
    Path subset = CorpusFixtures.copy("librispeech/LibriSpeech/dev-clean", tmp.resolve("a folder/dev-clean"));
    Map<String, Row> rows = byId(catalog(subset, Layout.LIBRISPEECH, "ls"));

    assertEquals(3, rows.size());
    rows.values().forEach(r -> assertNull(r.getAs(TensorTable.SPEAKER_SEX)));
    assertEquals(uri(subset.resolve("7021/101310/7021-101310-0002.flac")),
        rows.get("7021-101310-0002").getAs(Catalog.SOURCE_PATH));
    assertEquals(uri(subset.resolve("7021/101310/7021-101310-0000.flac")),
        rows.get("7021-101310-0000").getAs(Catalog.SOURCE_PATH));
  }

  @Test
  void otherSubsetNamesSplitByHash() throws IOException {
    Path root = CorpusFixtures.copy("librispeech/LibriSpeech", tmp.resolve("LibriSpeech"));
    Files.move(root.resolve("train-clean-100"), root.resolve("extra"));
    Map<String, Row> rows = byId(catalog(root, null, "ls"));

    assertEquals(5, rows.size());
    rows.forEach((id, r) -> assertEquals(id.startsWith("60-") ? CorpusFixtures.SPLITS.assign(id) : "valid",
        r.getAs(Catalog.SPLIT), id));
    assertEquals("M", rows.get("60-121082-0001").getAs(TensorTable.SPEAKER_SEX));
  }

  @Test
  void repeatedTranscriptLineIsMissingMetadata() throws IOException {
    Path root = CorpusFixtures.copy("librispeech/LibriSpeech", tmp.resolve("LibriSpeech"));
    Files.writeString(root.resolve(TRAIN_CHAPTER + "60-121082.trans.txt"), "60-121082-0000 AGAIN\n",
        StandardOpenOption.APPEND);
    Map<String, Row> rows = byId(catalog(root, Layout.LIBRISPEECH, "ls"));

    assertEquals(5, rows.size());
    assertError(rows.get("60-121082-0000"), "missing_metadata", "more than one transcript line");
    assertNull(rows.get("60-121082-0000").getAs("transcript"));
  }

  @Test
  void flacNamedOtherwiseIsMissingMetadata() throws IOException {
    Path root = CorpusFixtures.copy("librispeech/LibriSpeech", tmp.resolve("LibriSpeech"));
    Files.copy(root.resolve(DEV_CHAPTER + "7021-101310-0000.flac"), root.resolve(DEV_CHAPTER + "take2.flac"));
    Row row = byId(catalog(root, Layout.LIBRISPEECH, "ls")).get("take2");

    assertError(row, "missing_metadata", "file name take2.flac is not <speaker>-<chapter>-<utterance>.flac");
    assertEquals("valid", row.getAs(Catalog.SPLIT));
  }
}
