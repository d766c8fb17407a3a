package org.melforge.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Locale;

/**
 * Writes a section's enum setting in its configuration spelling, the constant's name in lower case
 * (e.g. {@code ema}); the enums themselves have no JSON spelling.
 */
final class LowerCaseEnum extends StdSerializer<Enum<?>> {

  private static final long serialVersionUID = 1L;

  public LowerCaseEnum() {
    super(Enum.class, false);
  }

  /** The configuration spelling of {@code value}. */
  static String key(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    gen.writeString(key(value));
  }
}
