package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.melforge.corpus.CorpusFixtures.assertError;
import static org.melforge.corpus.CorpusFixtures.byId;
import static org.melforge.corpus.CorpusFixtures.catalog;
import static org.melforge.corpus.CorpusFixtures.uri;

import com.holdenkarau.spark.testing.JavaRDDComparisons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.spark.TestSpark;

class NsynthCatalogTest {

  private static final String GUITAR = "guitar_acoustic_015-052-100";
  private static final String FLUTE = "flute_acoustic_002-067-050";
  private static final String BRASS = "brass_acoustic_006-060-075";
  private static final String STRING = "string_acoustic_012-062-100";
  private static final String ORGAN = "organ_electronic_007-048-025";

  @TempDir
  Path tmp;

  @Test
  void fixtureHasOneRowPerWavAndPerEntryWithTheOfficialSplit() throws IOException {
    Path root = CorpusFixtures.resource("nsynth-valid");
    Dataset<Row> catalog = catalog(root, Layout.NSYNTH, "nsynth");
    assertEquals(Catalog.SCHEMA, catalog.schema());
    Map<String, Row> rows = byId(catalog);

    assertEquals(List.of(BRASS, FLUTE, GUITAR, ORGAN, STRING), new ArrayList<>(rows.keySet()));
    rows.values().forEach(r -> assertEquals("valid", r.getAs(Catalog.SPLIT)));
    rows.values().forEach(r -> assertEquals("nsynth", r.getAs(Catalog.DATASET)));
    List<String> wavs = CorpusFixtures.files(root.resolve("audio"), ".wav");
    List<String> wavRows = CorpusFixtures.sourcePaths(List.of(rows.get(FLUTE), rows.get(GUITAR), rows.get(ORGAN),
        rows.get(STRING)));
    assertEquals(wavs, wavRows);
    assertEquals(uri(root.resolve("audio/" + BRASS + ".wav")), rows.get(BRASS).getAs(Catalog.SOURCE_PATH));
    assertTrue(wavs.get(0).startsWith("file:/"), wavs.get(0));
  }

  @Test
  void usableRowsCarryTheNsynthMetadata() {
    Path root = CorpusFixtures.resource("nsynth-valid");
    Dataset<Row> usable = catalog(root, null, "nsynth").filter(Catalog.ERROR_REASON + " is null");
    Dataset<Row> expected = TestSpark.get().createDataFrame(List.of(
        usableRow(GUITAR, uri(root.resolve("audio/" + GUITAR + ".wav")), 52, 100, "guitar_acoustic_015", "guitar",
            new int[] {1, 0, 0, 1, 0, 0, 0, 1, 0, 0}),
        usableRow(FLUTE, uri(root.resolve("audio/" + FLUTE + ".wav")), 67, 50, "flute_acoustic_002", "flute",
            new int[] {0, 0, 0, 0, 1, 0, 0, 0, 1, 0})), Catalog.SCHEMA);
    JavaRDDComparisons.assertRDDEquals(expected.toJavaRDD(), usable.toJavaRDD());
  }

  @Test
  void unusableItemsGetTheirReason() {
    Map<String, Row> rows = byId(catalog(CorpusFixtures.resource("nsynth-valid"), Layout.NSYNTH, "nsynth"));

    assertError(rows.get(BRASS), "missing_audio", "audio/" + BRASS + ".wav is missing");
    assertEquals(60, rows.get(BRASS).<Integer>getAs("pitch"));
    assertError(rows.get(STRING), "missing_metadata", "field 'pitch' is not an integer: 62");
    assertError(rows.get(STRING), "missing_metadata", "field 'velocity' is missing");
    assertNull(rows.get(STRING).getAs("instrument"));
    assertError(rows.get(ORGAN), "missing_metadata",
        "examples.json has no entry for note '" + ORGAN + "' (audio/" + ORGAN + ".wav)");
  }

  @Test
  void otherFolderNamesSplitByHash() throws IOException {
    Path root = CorpusFixtures.copy("nsynth-valid", tmp.resolve("notes"));
    Map<String, Row> rows = byId(catalog(root, Layout.NSYNTH, "nsynth"));
    Map<String, Row> again = byId(catalog(root, Layout.NSYNTH, "nsynth"));

    assertEquals(5, rows.size());
    rows.forEach((id, r) -> assertEquals(CorpusFixtures.SPLITS.assign(id), r.getAs(Catalog.SPLIT), id));
    again.forEach((id, r) -> assertEquals(rows.get(id).<String>getAs(Catalog.SPLIT), r.getAs(Catalog.SPLIT)));
  }

  @Test
  void officialSplitFolderNames() throws IOException {
    for (String split : List.of("train", "test")) {
      Path root = CorpusFixtures.copy("nsynth-valid", tmp.resolve("nsynth-" + split));
      catalog(root, Layout.NSYNTH, "nsynth").collectAsList()
          .forEach(r -> assertEquals(split, r.getAs(Catalog.SPLIT)));
    }
  }

  @Test
  void missingExamplesJsonMakesEveryWavMissingMetadata() throws IOException {
    Path root = CorpusFixtures.copy("nsynth-valid", tmp.resolve("nsynth-valid"));
    Files.delete(root.resolve("examples.json"));
    Map<String, Row> rows = byId(catalog(root, Layout.NSYNTH, "nsynth"));

    assertEquals(List.of("examples.json", FLUTE, GUITAR, ORGAN, STRING), new ArrayList<>(rows.keySet()));
    assertError(rows.get("examples.json"), "missing_metadata", "examples.json is missing from " + uri(root));
    assertEquals(uri(root.resolve("examples.json")), rows.get("examples.json").getAs(Catalog.SOURCE_PATH));
    assertError(rows.get(GUITAR), "missing_metadata", "examples.json is missing");
    assertError(rows.get(GUITAR), "missing_metadata", "so audio/" + GUITAR + ".wav has no metadata");
  }

  @Test
  void unparseableExamplesJsonMakesEveryWavMissingMetadata() throws IOException {
    Path root = CorpusFixtures.copy("nsynth-valid", tmp.resolve("broken notes"));
    String json = Files.readString(root.resolve("examples.json"));
    Files.writeString(root.resolve("examples.json"), json.substring(0, json.indexOf(FLUTE) + 100));
    Map<String, Row> rows = byId(catalog(root, Layout.NSYNTH, "nsynth"));

    assertEquals(5, rows.size());
    assertError(rows.get("examples.json"), "decode_failed", "examples.json cannot be parsed: Unexpected end-of-input");
    assertNull(rows.get("examples.json").getAs(Catalog.SPLIT));
    for (String note : List.of(FLUTE, GUITAR, ORGAN, STRING)) {
      assertError(rows.get(note), "missing_metadata", "examples.json cannot be parsed");
      assertTrue(rows.get(note).<String>getAs(Catalog.ERROR_MESSAGE).contains("(line "));
      assertNull(rows.get(note).getAs("pitch"));
    }
  }

  @Test
  void repeatedEntryIsMissingMetadata() throws IOException {
    Path root = tmp.resolve("repeated notes");
    Files.createDirectories(root.resolve("audio"));
    Files.write(root.resolve("audio/a.wav"), new byte[] {0});
    Files.writeString(root.resolve("examples.json"), "{\"a\": {}, \"a\": {}}");
    Map<String, Row> rows = byId(catalog(root, Layout.NSYNTH, "nsynth"));

    assertEquals(1, rows.size());
    assertError(rows.get("a"), "missing_metadata", "examples.json has more than one entry for note 'a'");
  }

  private static Row usableRow(String note, String path, int pitch, int velocity, String instrument, String family,
      int[] qualities) {
    return RowFactory.create(note, "nsynth", "valid", path, pitch, velocity, instrument, family, "acoustic",
        qualities, null, null, null, null, null, null, null);
  }
}
