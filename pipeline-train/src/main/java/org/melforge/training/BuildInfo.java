package org.melforge.training;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Versions of MelForge and its libraries, and the git commit of the build, for provenance: the
 * shared {@link org.melforge.spark.BuildInfo} plus what the train job adds.
 */
public final class BuildInfo {

  private BuildInfo() {}

  /**
   * The versions of {@link org.melforge.spark.BuildInfo#versions()} ({@code melforge},
   * {@code spark}, {@code java}), then {@code dl4j} and {@code nd4j_backend}.
   */
  public static Map<String, String> versions() {
    Map<String, String> out = new LinkedHashMap<>(org.melforge.spark.BuildInfo.versions());
    out.put("dl4j", org.melforge.spark.BuildInfo.property("dl4j.version"));
    out.put("nd4j_backend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
    return out;
  }

  /** The git commit the build was made from, or {@code unknown}. */
  public static String gitCommit() {
    return org.melforge.spark.BuildInfo.gitCommit();
  }
}
