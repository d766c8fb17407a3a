package org.melforge.corpus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.CharConversionException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the entries of an NSynth {@code examples.json} (one JSON object keyed by note_str) with
 * Jackson's token parser, so only one entry is held at a time whatever the file size. The stream is
 * closed when the last entry has been read or a syntax error is met.
 */
final class ExamplesJson implements Iterator<NsynthEntry>, Closeable {

  private static final JsonFactory JSON = new JsonFactory();

  private final JsonParser parser;
  private NsynthEntry next;
  private boolean done;

  ExamplesJson(InputStream in) throws IOException {
    parser = JSON.createParser(in);
    try {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(parser, "the file is not a JSON object keyed by note_str");
      }
    } catch (IOException e) {
      parser.close();
      throw e;
    }
  }

  /**
   * Reads a whole examples.json and reports what is wrong with it as a whole: {@code null} when it
   * is a well-formed JSON object, else the syntax or encoding problem with its line and column.
   *
   * @throws IOException when the stream itself fails, so that the task fails rather than the data
   */
  static String problem(InputStream in) throws IOException {
    try (ExamplesJson entries = new ExamplesJson(in)) {
      entries.forEachRemaining(e -> { });
      return null;
    } catch (JsonProcessingException | CharConversionException e) {
      return describe(e);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof JsonProcessingException || e.getCause() instanceof CharConversionException) {
        return describe(e.getCause());
      }
      throw e;
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null && !done) {
      next = read();
    }
    return next != null;
  }

  @Override
  public NsynthEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    NsynthEntry e = next;
    next = null;
    return e;
  }

  @Override
  public void close() throws IOException {
    done = true;
    parser.close();
  }

  private NsynthEntry read() {
    try {
      if (parser.nextToken() == JsonToken.END_OBJECT) {
        if (parser.nextToken() != null) {
          throw new JsonParseException(parser, "unexpected content after the top-level object");
        }
        close();
        return null;
      }
      String noteStr = parser.currentName();
      parser.nextToken();
      return NsynthEntry.read(noteStr, parser);
    } catch (IOException e) {
      closeQuietly();
      throw new UncheckedIOException(e);
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException ignored) {
      // the read failure is what gets reported
    }
  }

  private static String describe(IOException e) {
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      JsonLocation at = j.getLocation();
      return j.getOriginalMessage() + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
    return e.getMessage();
  }
}
