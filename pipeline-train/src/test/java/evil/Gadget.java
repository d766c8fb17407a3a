package evil;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A deserialisation gadget for the serial-filter tests, in a package no allow-list names: reading
 * it runs code, here creating the file {@code marker}, as a real gadget would run a command.
 */
public final class Gadget implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String marker;

  /** A gadget that creates {@code marker} when it is deserialised. */
  public Gadget(Path marker) {
    this.marker = marker.toString();
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    Files.createFile(Path.of(marker));
  }
}
