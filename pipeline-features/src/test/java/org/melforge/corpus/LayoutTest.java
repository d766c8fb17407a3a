package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutTest {

  @TempDir
  Path tmp;

  @Test
  void parseAcceptsConfiguredNames() {
    assertEquals(Layout.NSYNTH, Layout.parse("nsynth"));
    assertEquals(Layout.LIBRISPEECH, Layout.parse(" LibriSpeech "));
    assertEquals(Layout.FOLDER, Layout.parse("folder"));
  }

  @Test
  void parseListsAllowedNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Layout.parse("wav"));
    assertEquals("unknown corpus layout 'wav', allowed: nsynth, librispeech, folder", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Layout.parse(null));
  }

  @Test
  void detectsEachFixture() throws IOException {
    assertEquals(Layout.NSYNTH, detect(CorpusFixtures.resource("nsynth-valid")));
    assertEquals(Layout.LIBRISPEECH, detect(CorpusFixtures.resource("librispeech/LibriSpeech")));
    assertEquals(Layout.LIBRISPEECH, detect(CorpusFixtures.resource("librispeech/LibriSpeech/dev-clean")));
    assertEquals(Layout.FOLDER, detect(CorpusFixtures.resource("folder")));
  }

  @Test
  void detectsLibriSpeechWithoutSpeakersFile() throws IOException {
    Path root = CorpusFixtures.copy("librispeech/LibriSpeech", tmp.resolve("ls"));
    Files.delete(root.resolve("SPEAKERS.TXT"));
    assertEquals(Layout.LIBRISPEECH, detect(root));
    Path custom = CorpusFixtures.copy("librispeech/LibriSpeech/dev-clean", tmp.resolve("custom"));
    assertEquals(Layout.LIBRISPEECH, detect(custom));
    Files.delete(custom.resolve("7021/101310/7021-101310.trans.txt"));
    assertEquals(Layout.FOLDER, detect(custom));
  }

  private static Layout detect(Path root) throws IOException {
    return Layout.detect(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(root.toString()));
  }
}
