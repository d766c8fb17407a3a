package org.melforge.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions of MelForge and its libraries, and the git commit of the build, for provenance. */
public final class BuildInfo {

  private BuildInfo() {}

  /** {@code melforge}, {@code dl4j}, {@code spark}, {@code java}, {@code nd4j_backend} versions. */
  public static Map<String, String> versions() {
    Properties p = properties();
    Map<String, String> out = new LinkedHashMap<>();
    out.put("melforge", p.getProperty("melforge.version"));
    out.put("dl4j", p.getProperty("dl4j.version"));
    out.put("spark", p.getProperty("spark.version"));
    out.put("java", System.getProperty("java.version"));
    out.put("nd4j_backend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
    return out;
  }

  /** The git commit the build was made from, or {@code unknown}. */
  public static String gitCommit() {
    return properties().getProperty("git.commit", "unknown");
  }

  private static Properties properties() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/melforge/build.properties")) {
      if (in != null) {
        p.load(in);
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
