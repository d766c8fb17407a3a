package org.melforge.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of {@code pipeline-features}' main code: no cycles between packages, nothing
 * of the jobs downstream (train, eval), Spark internals only in {@code spark.internal}, and no
 * reflection anywhere else.
 */
class FeaturesArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importMainCode() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages("org.melforge");
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("org.melforge.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void featuresKnowNothingOfTheJobsDownstream() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("org.melforge.training..",
        "org.melforge.sharing..", "org.melforge.model..", "org.melforge.bottleneck..",
        "org.melforge.checkpoint..", "org.melforge.metrics..", "org.melforge.data..",
        "org.melforge.eval..", "org.deeplearning4j..", "org.nd4j..")
        .check(classes);
  }

  @Test
  void sparkInternalsAreTouchedOnlyInTheirFence() {
    noClasses().that().resideOutsideOfPackage("org.melforge.spark.internal..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark.sql.catalyst..",
            "org.apache.spark.scheduler..")
        .orShould().dependOnClassesThat().haveNameMatching(
            "org\\.apache\\.spark\\.storage\\.BlockManager.*")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.SparkEnv")
        .orShould().callMethod(java.lang.reflect.AccessibleObject.class, "setAccessible",
            boolean.class)
        .check(classes);
  }
}
