package org.melforge.corpus;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The catalog fields of one examples.json entry, or what makes the entry unusable. */
final class NsynthEntry implements Serializable {

  private static final long serialVersionUID = 1L;
  static final int QUALITY_COUNT = 10;
  private static final List<String> REQUIRED = List.of("pitch", "velocity", "instrument_str",
      "instrument_family_str", "instrument_source_str", "qualities");

  final String noteStr;
  Integer pitch;
  Integer velocity;
  String instrument;
  String instrumentFamily;
  String instrumentSource;
  int[] qualities;
  /** Null for a usable entry. */
  String problem;

  private NsynthEntry(String noteStr) {
    this.noteStr = noteStr;
  }

  /** Reads the value of key {@code noteStr}; the parser is on its first token and ends on its last. */
  static NsynthEntry read(String noteStr, JsonParser p) throws IOException {
    NsynthEntry e = new NsynthEntry(noteStr);
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      e.problem = "the entry is not a JSON object";
      return e;
    }
    Set<String> missing = new LinkedHashSet<>(REQUIRED);
    List<String> problems = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      missing.remove(field);
      e.readField(field, p, problems);
    }
    missing.forEach(f -> problems.add("field '" + f + "' is missing"));
    e.problem = problems.isEmpty() ? null : String.join("; ", problems);
    return e;
  }

  /** The entry left when examples.json holds {@code noteStr} more than once. */
  static NsynthEntry duplicate(NsynthEntry a, NsynthEntry b) {
    NsynthEntry e = new NsynthEntry(a.noteStr);
    e.problem = "examples.json has more than one entry for note '" + a.noteStr + "'";
    return e;
  }

  private void readField(String field, JsonParser p, List<String> problems) throws IOException {
    switch (field) {
      case "pitch" -> pitch = integer(field, p, problems);
      case "velocity" -> velocity = integer(field, p, problems);
      case "instrument_str" -> instrument = string(field, p, problems);
      case "instrument_family_str" -> instrumentFamily = string(field, p, problems);
      case "instrument_source_str" -> instrumentSource = string(field, p, problems);
      case "qualities" -> qualities = qualities(p, problems);
      default -> p.skipChildren();
    }
  }

  private static Integer integer(String field, JsonParser p, List<String> problems) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      return p.getIntValue();
    }
    problems.add("field '" + field + "' is not an integer: " + describe(p));
    p.skipChildren();
    return null;
  }

  private static String string(String field, JsonParser p, List<String> problems) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    problems.add("field '" + field + "' is not a string: " + describe(p));
    p.skipChildren();
    return null;
  }

  private static int[] qualities(JsonParser p, List<String> problems) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      problems.add("field 'qualities' is not an array: " + describe(p));
      p.skipChildren();
      return null;
    }
    List<Integer> values = new ArrayList<>();
    boolean integers = true;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      integers &= p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
      values.add(integers ? p.getIntValue() : 0);
      p.skipChildren();
    }
    if (!integers || values.size() != QUALITY_COUNT) {
      problems.add("field 'qualities' must hold " + QUALITY_COUNT + " integers, got " + values.size()
          + (integers ? "" : " values, not all integers"));
      return null;
    }
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String describe(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    return t.isScalarValue() ? p.getText() : t == JsonToken.START_ARRAY ? "an array" : "an object";
  }
}
