package org.melforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.melforge.spark.internal.SparkInternals.JOB_DESCRIPTION;
import static org.melforge.spark.internal.SparkInternals.JOB_GROUP_ID;
import static org.melforge.spark.internal.SparkInternals.JOB_INTERRUPT_ON_CANCEL;

import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobGroupTest {

  private SparkContext sc;

  @BeforeEach
  void noGroup() {
    sc = TestSpark.get().sparkContext();
    sc.clearJobGroup();
  }

  @AfterEach
  void clear() {
    sc.clearJobGroup();
  }

  private List<String> group() {
    return Arrays.asList(sc.getLocalProperty(JOB_GROUP_ID), sc.getLocalProperty(JOB_DESCRIPTION),
        sc.getLocalProperty(JOB_INTERRUPT_ON_CANCEL));
  }

  private void job() {
    JavaSparkContext.fromSparkContext(sc).parallelize(List.of(1, 2, 3), 2).count();
  }

  @Test
  void nestedGroupsRestoreTheOuterOneAndCloseClearsWhatWasNotThere() {
    try (JobGroup outer = JobGroup.open(sc, "outer", "outer work", true)) {
      assertEquals(List.of("outer", "outer work", "true"), group());
      try (JobGroup inner = JobGroup.open(sc, "inner", "inner work")) {
        inner.describe("inner step 2");
        assertEquals(List.of("inner", "inner step 2", "false"), group());
      }
      assertEquals(List.of("outer", "outer work", "true"), group());
      outer.describe("outer step 2");
      assertEquals(List.of("outer", "outer step 2", "true"), group());
    }
    assertEquals(Arrays.asList(null, null, null), group());
  }

  @Test
  void restoresADescriptionSetWithoutAGroup() {
    sc.setJobDescription("caller's description");
    try (JobGroup g = JobGroup.open(sc, "g", "inside")) {
      g.describe("inside, step 2");
    }
    assertEquals(Arrays.asList(null, "caller's description", null), group());
  }

  @Test
  void jobsInsideCarryTheGroupAndTheCurrentDescriptionJobsAfterNone() throws Exception {
    try (JobStarts starts = JobStarts.record(sc)) {
      try (JobGroup g = JobGroup.open(sc, "carried", "first step")) {
        job();
        g.describe("second step");
        job();
      }
      job();
      starts.close();
      List<Properties> jobs = starts.jobs();
      assertEquals(3, jobs.size());
      assertEquals("carried", jobs.get(0).getProperty(JOB_GROUP_ID));
      assertEquals("first step", jobs.get(0).getProperty(JOB_DESCRIPTION));
      assertEquals("carried", jobs.get(1).getProperty(JOB_GROUP_ID));
      assertEquals("second step", jobs.get(1).getProperty(JOB_DESCRIPTION));
      assertNull(jobs.get(2).getProperty(JOB_GROUP_ID));
      assertNull(jobs.get(2).getProperty(JOB_DESCRIPTION));
    }
  }

  @Test
  void belongsToTheThreadThatOpenedItAndClosesOnce() throws Exception {
    JobGroup g = JobGroup.open(sc, "owned", "by the test thread");
    ExecutionException e = assertThrows(ExecutionException.class, () -> CompletableFuture.runAsync(g::close).get());
    assertTrue(e.getCause() instanceof IllegalStateException, e.getCause()::toString);
    assertTrue(e.getCause().getMessage().contains("'owned'"), e.getCause().getMessage());
    assertEquals("owned", sc.getLocalProperty(JOB_GROUP_ID), "a refused close changes nothing");
    g.close();
    sc.setJobGroup("later", "set after the close", false);
    g.close();
    assertEquals("later", sc.getLocalProperty(JOB_GROUP_ID), "a second close restores nothing");
    IllegalStateException closed = assertThrows(IllegalStateException.class, () -> g.describe("too late"));
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
  }

  @Test
  void rejectsABlankId() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobGroup.open(sc, " ", "x"));
    assertTrue(e.getMessage().contains("' '"), e.getMessage());
    assertEquals(Arrays.asList(null, null, null), group());
  }
}
