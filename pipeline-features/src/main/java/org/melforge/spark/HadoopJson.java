package org.melforge.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Indented JSON files on any Hadoop file system (summaries, results, descriptions). */
public final class HadoopJson {

  private static final ObjectMapper PLAIN = new ObjectMapper();

  private HadoopJson() {}

  /** Writes {@code value} as indented JSON to {@code path}, replacing it. */
  public static void write(FileSystem fs, Path path, Object value) {
    write(fs, path, value, PLAIN);
  }

  /**
   * Writes {@code value} as indented JSON to {@code path}, replacing it, with {@code mapper}'s
   * settings (e.g. its property naming).
   *
   * @throws UncheckedIOException naming the path when it cannot be written
   */
  public static void write(FileSystem fs, Path path, Object value, ObjectMapper mapper) {
    try (OutputStream out = fs.create(path, true)) {
      mapper.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
