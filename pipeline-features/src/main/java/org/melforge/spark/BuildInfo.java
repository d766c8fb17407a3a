package org.melforge.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * What a build of MelForge is, for the provenance every job records: versions and the git commit,
 * from {@value #RESOURCE}, which the {@code pipeline-features} build generates (Maven resource
 * filtering; the commit from {@code git describe --always --dirty}, {@code unknown} outside a git
 * checkout).
 */
public final class BuildInfo {

  /** Classpath resource of the build properties. */
  public static final String RESOURCE = "/melforge/build.properties";

  private BuildInfo() {}

  /**
   * {@code melforge}: the version of this build; {@code spark}: the Spark version it was built
   * against; {@code java}: the running JVM's version. In that order, unmodifiable.
   */
  public static Map<String, String> versions() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("melforge", property("melforge.version"));
    out.put("spark", property("spark.version"));
    out.put("java", System.getProperty("java.version"));
    return Collections.unmodifiableMap(out);
  }

  /** The git commit the build was made from ({@code -dirty} appended for a tree with changes), or {@code unknown}. */
  public static String gitCommit() {
    return property("git.commit");
  }

  /**
   * One property of {@value #RESOURCE}, e.g. {@code dl4j.version}.
   *
   * @throws IllegalArgumentException when the build recorded no such property
   */
  public static String property(String key) {
    String value = Holder.PROPERTIES.getProperty(key);
    if (value == null) {
      throw new IllegalArgumentException("'" + key + "' is not a property of " + RESOURCE
          + " (there are " + new TreeSet<>(Holder.PROPERTIES.stringPropertyNames()) + ")");
    }
    return value;
  }

  private static final class Holder {
    static final Properties PROPERTIES = load();

    private static Properties load() {
      try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the classpath");
        }
        Properties p = new Properties();
        p.load(in);
        return p;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + RESOURCE, e);
      }
    }
  }
}
