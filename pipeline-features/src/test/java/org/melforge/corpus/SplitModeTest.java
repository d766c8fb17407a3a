package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.melforge.corpus.CorpusFixtures.byId;
import static org.melforge.corpus.CorpusFixtures.catalog;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The per-input split mode, applied by the catalogs of every layout. */
class SplitModeTest {

  @Test
  void hashIgnoresLibriSpeechSubsets() {
    Map<String, Row> rows = byId(catalog(CorpusFixtures.resource("librispeech/LibriSpeech"), Layout.LIBRISPEECH,
        "ls", SplitMode.HASH));

    assertEquals(5, rows.size());
    rows.forEach((id, r) -> assertEquals(CorpusFixtures.SPLITS.assign(id), r.getAs(Catalog.SPLIT), id));
    assertNotEquals(Set.of("train", "valid"), splits(rows), "the hash must differ from the subsets somewhere");
  }

  @Test
  void hashIgnoresTheNsynthFolderName() {
    Map<String, Row> rows = byId(catalog(CorpusFixtures.resource("nsynth-valid"), Layout.NSYNTH, "n",
        SplitMode.HASH));

    rows.forEach((id, r) -> assertEquals(CorpusFixtures.SPLITS.assign(id), r.getAs(Catalog.SPLIT), id));
    assertNotEquals(Set.of("valid"), splits(rows));
  }

  @Test
  void fixedSplitTakesEverySourceIncludingUnusableOnes() {
    Map<String, Row> speech = byId(catalog(CorpusFixtures.resource("librispeech/LibriSpeech"), null, "ls",
        SplitMode.TRAIN));
    assertEquals(Set.of("train"), splits(speech));
    assertEquals(Set.of("test"), splits(byId(catalog(CorpusFixtures.resource("nsynth-valid"), null, "n",
        SplitMode.TEST))));
    assertEquals(Set.of("valid"), splits(byId(catalog(CorpusFixtures.resource("folder"), null, "f",
        SplitMode.VALID))));
  }

  @Test
  void officialFallsBackToTheHashWithoutAnOfficialSplit() {
    Map<String, Row> rows = byId(catalog(CorpusFixtures.resource("folder"), Layout.FOLDER, "f", SplitMode.OFFICIAL));

    rows.forEach((id, r) -> assertEquals(CorpusFixtures.SPLITS.assign(id), r.getAs(Catalog.SPLIT), id));
  }

  @Test
  void groupHashesTheSpeakerOfEveryLibriSpeechUtteranceIgnoringSubsets() {
    Map<String, Row> rows = byId(catalog(CorpusFixtures.resource("librispeech/LibriSpeech"), Layout.LIBRISPEECH,
        "ls", SplitMode.GROUP));

    assertEquals(5, rows.size());
    rows.forEach((id, r) -> assertEquals(CorpusFixtures.SPLITS.assign(id.substring(0, id.indexOf('-'))),
        r.getAs(Catalog.SPLIT), id));
  }

  @Test
  void groupHashesTheNsynthInstrumentAndLeavesNotesWithoutAnEntryWithoutSplit() {
    Map<String, Row> rows = byId(catalog(CorpusFixtures.resource("nsynth-valid"), Layout.NSYNTH, "n",
        SplitMode.GROUP));

    rows.forEach((id, r) -> {
      String expected = id.startsWith("organ") ? null : CorpusFixtures.SPLITS.assign(id.substring(0, id.indexOf('-')));
      assertEquals(expected, r.getAs(Catalog.SPLIT), id);
    });
    assertNotNull(rows.get("organ_electronic_007-048-025").getAs(Catalog.ERROR_REASON), "no entry: not usable");
  }

  @Test
  void groupIsRefusedForAPlainFolderNamingTheInput() {
    String folder = CorpusFixtures.resource("folder").toString();
    String expected = "input " + folder + ": split = group hashes a group key (nsynth: instrument, "
        + "librispeech: speaker) but layout folder has none; use split = hash";

    assertEquals(expected, assertThrows(IllegalArgumentException.class,
        () -> new CorpusInput(folder, Layout.FOLDER, "f", CorpusFixtures.SPLITS, SplitMode.GROUP)).getMessage());
    assertEquals(expected, assertThrows(IllegalArgumentException.class,
        () -> catalog(CorpusFixtures.resource("folder"), null, "f", SplitMode.GROUP)).getMessage(), "detected");
  }

  @Test
  void parseAcceptsTheConfigNamesOnly() {
    assertEquals(SplitMode.HASH, SplitMode.parse("Hash"));
    assertEquals(SplitMode.OFFICIAL, SplitMode.parse("official"));
    assertEquals(SplitMode.GROUP, SplitMode.parse(" group "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SplitMode.parse("dev"));
    assertEquals("split mode 'dev' is not one of [official, hash, group, train, valid, test]", e.getMessage());
  }

  private static Set<String> splits(Map<String, Row> rows) {
    return rows.values().stream().map(r -> r.<String>getAs(Catalog.SPLIT)).collect(Collectors.toSet());
  }
}
