package org.melforge.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.melforge.SharedData;
import org.melforge.tensorstore.Npy;

/**
 * Decodes the shared mini corpora in {@code ../shared/data} next to the repository checkout;
 * skipped where they are not present.
 */
class RealCorporaTest {

  private static Path dataDir() {
    return SharedData.root();
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    assumeTrue(Files.isDirectory(dir), dir + " not present");
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.toString().endsWith(suffix)).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void nsynthWavsAreMono16kOf64000Samples() throws Exception {
    List<Path> wavs = files(dataDir().resolve("nsynth-mini/audio"), ".wav");
    assertFalse(wavs.isEmpty());
    for (Path wav : wavs) {
      MonoAudio audio = AudioDecoder.decodeMono(Files.readAllBytes(wav), 16000);
      assertEquals(new SourceFormat("wav", "pcm_s16", 16, 1, 16000, 64000), audio.source(), wav.toString());
      assertFalse(audio.converted());
      assertTrue(peak(audio.samples()) > 0.001, wav + " is silent");
    }
  }

  @Test
  void librispeechFlacsDecode() throws Exception {
    List<Path> flacs = files(dataDir().resolve("librispeech-mini/LibriSpeech/dev-clean"), ".flac");
    assertFalse(flacs.isEmpty());
    for (Path flac : flacs) {
      DecodedAudio audio = AudioDecoder.decode(Files.readAllBytes(flac));
      SourceFormat f = audio.format();
      assertEquals("flac", f.container());
      assertEquals(1, f.channels(), flac.toString());
      assertEquals(16000, f.sampleRate(), flac.toString());
      assertEquals(16, f.bitsPerSample(), flac.toString());
      assertTrue(f.durationSeconds() > 2 && f.durationSeconds() < 12, flac + ": " + f.durationSeconds() + " s");
      assertTrue(peak(audio.channels()[0]) > 0.1, flac + " is too quiet");
    }
  }

  @Test
  void librispeechFlacMatchesFlacDecoderOutput() throws Exception {
    Properties ref = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/audio/librispeech_reference.properties")) {
      ref.load(in);
    }
    Path flac = dataDir().resolve("librispeech-mini/LibriSpeech/dev-clean").resolve(ref.getProperty("path"));
    assumeTrue(Files.exists(flac), flac + " not present");
    double[] head = Fixtures.npy("librispeech_head.npy").data();

    DecodedAudio audio = AudioDecoder.decode(Files.readAllBytes(flac));

    assertEquals(Long.parseLong(ref.getProperty("frames")), audio.format().frames());
    assertEquals(Integer.parseInt(ref.getProperty("sample_rate")), audio.format().sampleRate());
    float[] samples = audio.channels()[0];
    for (int i = 0; i < head.length; i++) {
      assertEquals(head[i], samples[i], 0.0, "sample " + i);
    }
  }

  private static double peak(float[] x) {
    double peak = 0;
    for (float v : x) {
      peak = Math.max(peak, Math.abs(v));
    }
    return peak;
  }
}
