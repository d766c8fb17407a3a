package org.melforge.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/**
 * The immutable result of a {@link SparkJob}: what the job did, as values, and where it wrote.
 * A job's command line prints {@link #toJsonLine()} as the last line of its standard output, for a
 * scheduler to read.
 */
public interface JobResult {

  /** The result as one line of JSON (an object; no line break inside), snake_case keys. */
  String toJsonLine();

  /**
   * {@code value} (maps, lists, records, scalars) as one line of JSON, record properties in
   * snake_case: the serialisation behind {@link #toJsonLine()}.
   *
   * @throws IllegalArgumentException when {@code value} holds something Jackson cannot write
   */
  static String jsonLine(Object value) {
    try {
      return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON: "
          + e.getOriginalMessage(), e);
    }
  }
}
