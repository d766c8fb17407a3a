package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.melforge.corpus.CorpusFixtures.byId;
import static org.melforge.corpus.CorpusFixtures.catalog;
import static org.melforge.corpus.CorpusFixtures.uri;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class FolderCatalogTest {

  @Test
  void everyAudioFileBelowTheRootIsOneRow() throws IOException {
    Path root = CorpusFixtures.resource("folder");
    Map<String, Row> rows = byId(catalog(root, Layout.FOLDER, "tones"));

    assertEquals(List.of("a", "sub__b", "sub__deeper__c"), new ArrayList<>(rows.keySet()));
    assertEquals(CorpusFixtures.files(root, ".wav", ".flac"), CorpusFixtures.sourcePaths(rows.values()));
    assertEquals(uri(root.resolve("sub/b.FLAC")), rows.get("sub__b").getAs(Catalog.SOURCE_PATH));
    rows.forEach((id, r) -> {
      assertEquals(CorpusFixtures.SPLITS.assign(id), r.getAs(Catalog.SPLIT), id);
      assertEquals("tones", r.getAs(Catalog.DATASET));
      for (int i = 4; i < Catalog.SCHEMA.size(); i++) {
        assertNull(r.get(i), Catalog.SCHEMA.fieldNames()[i]);
      }
    });
  }

  @Test
  void sourceIdJoinsFoldersWithDoubleUnderscore() {
    assertEquals("x__y__z.v1", FolderCatalog.sourceId("x/y/z.v1.wav"));
  }
}
