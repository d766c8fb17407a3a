package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExamplesJsonTest {

  private static final String FULL = "{\"pitch\": 60, \"velocity\": 127, \"instrument_str\": \"i\","
      + " \"instrument_family_str\": \"f\", \"instrument_source_str\": \"s\", \"note\": 7, \"extra\": {\"a\": [1]},"
      + " \"qualities\": [0, 1, 0, 0, 0, 0, 0, 0, 0, 1], \"qualities_str\": [\"dark\"]}";

  @Test
  void streamsEveryEntryInOrder() throws IOException {
    List<NsynthEntry> entries = entries("{\"a\": " + FULL + ", \"b\": " + FULL + "}");

    assertEquals(2, entries.size());
    NsynthEntry a = entries.get(0);
    assertEquals("a", a.noteStr);
    assertEquals("b", entries.get(1).noteStr);
    assertNull(a.problem);
    assertEquals(60, a.pitch);
    assertEquals(127, a.velocity);
    assertEquals("i", a.instrument);
    assertEquals("f", a.instrumentFamily);
    assertEquals("s", a.instrumentSource);
    assertArrayEquals(new int[] {0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, a.qualities);
  }

  @Test
  void entryProblemsAreNamed() throws IOException {
    List<NsynthEntry> entries = entries("{\"a\": 3, \"b\": {\"pitch\": 60.5, \"qualities\": [0, 1],"
        + " \"instrument_str\": [\"x\"]}, \"c\": {}}");

    assertEquals("the entry is not a JSON object", entries.get(0).problem);
    assertEquals("field 'pitch' is not an integer: 60.5; field 'qualities' must hold 10 integers, got 2;"
        + " field 'instrument_str' is not a string: an array; field 'velocity' is missing;"
        + " field 'instrument_family_str' is missing; field 'instrument_source_str' is missing", entries.get(1).problem);
    assertEquals("c", entries.get(2).noteStr);
  }

  @Test
  void wellFormedFilesHaveNoProblem() throws IOException {
    assertNull(ExamplesJson.problem(stream("{}")));
    assertNull(ExamplesJson.problem(stream("{\"a\": {\"x\": 1}}")));
  }

  @Test
  void syntaxProblemsNameTheirPlace() throws IOException {
    assertEquals("Unexpected end-of-input: expected close marker for Object (start marker at [Source: (ByteArrayInputStream);"
        + " line: 1, column: 7]) (line 2, column 1)", ExamplesJson.problem(stream("{\"a\": {\n")));
    assertEquals("the file is not a JSON object keyed by note_str (line 1, column 2)",
        ExamplesJson.problem(stream("[1]")));
    assertEquals("unexpected content after the top-level object (line 1, column 5)",
        ExamplesJson.problem(stream("{} {}")));
  }

  @Test
  void binaryGarbageIsAProblem() throws IOException {
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0, 0, 0x7b, (byte) 0x80, (byte) 0xc3};
    assertNotNull(ExamplesJson.problem(new ByteArrayInputStream(garbage)));
    assertNotNull(ExamplesJson.problem(new ByteArrayInputStream(new byte[] {0x7b, 0x22, (byte) 0xc3, 0x28})));
  }

  @Test
  void readFailuresAreNotParseProblems() {
    assertThrows(IOException.class, () -> ExamplesJson.problem(failingAfter("")));
    assertThrows(UncheckedIOException.class, () -> ExamplesJson.problem(failingAfter("{\"a\": " + FULL + ", ")));
  }

  private static InputStream failingAfter(String json) {
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    };
    return new SequenceInputStream(stream(json), failing);
  }

  private static List<NsynthEntry> entries(String json) throws IOException {
    List<NsynthEntry> out = new ArrayList<>();
    try (ExamplesJson it = new ExamplesJson(stream(json))) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  private static InputStream stream(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }
}
