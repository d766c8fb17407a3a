package org.melforge.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of {@code pipeline-train}'s main code: no cycles between packages (each
 * package its own slice, so {@code model.layers} is apart from {@code model}), one direction
 * {@code training -> checkpoint -> sharing -> metrics -> model -> bottleneck -> model.layers}, and
 * layers and bottlenecks that know nothing of the runtimes that train them; and every reach into a
 * library's internals in that library's one fenced package ({@code sharing.dl4j} for DL4J,
 * {@code model.layers.nd4j} for ND4J and SameDiff, pipeline-features' {@code spark.internal} for
 * Spark), each listed in its {@code package-info.java}.
 */
class TrainArchitectureTest {

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
  void dependenciesPointOneWay() {
    layeredArchitecture().consideringOnlyDependenciesInAnyPackage("org.melforge..")
        .withOptionalLayers(true)
        .layer("training").definedBy("org.melforge.training..")
        .layer("checkpoint").definedBy("org.melforge.checkpoint..")
        .layer("sharing").definedBy("org.melforge.sharing..")
        .layer("metrics").definedBy("org.melforge.metrics..")
        .layer("data").definedBy("org.melforge.data..")
        .layer("model").definedBy("org.melforge.model")
        .layer("bottleneck").definedBy("org.melforge.bottleneck..")
        .layer("layers").definedBy("org.melforge.model.layers..")
        .whereLayer("training").mayNotBeAccessedByAnyLayer()
        .whereLayer("checkpoint").mayOnlyBeAccessedByLayers("training")
        .whereLayer("sharing").mayOnlyBeAccessedByLayers("training", "checkpoint")
        .whereLayer("metrics").mayOnlyBeAccessedByLayers("training", "sharing")
        .whereLayer("data").mayOnlyBeAccessedByLayers("training", "checkpoint", "sharing")
        .whereLayer("model")
        .mayOnlyBeAccessedByLayers("training", "checkpoint", "sharing", "metrics")
        .whereLayer("bottleneck")
        .mayOnlyBeAccessedByLayers("training", "checkpoint", "sharing", "metrics", "model")
        .check(classes);
  }

  @Test
  void layersAndBottlenecksDoNotImportTheRuntime() {
    noClasses().that().resideInAnyPackage("org.melforge.bottleneck..", "org.melforge.model..")
        .should().dependOnClassesThat().resideInAnyPackage("org.melforge.training..",
            "org.melforge.sharing..", "org.melforge.checkpoint..", "org.melforge.metrics..")
        .because("the runtimes reach layers through interfaces the layers own (StateHook,"
            + " StepObserver)")
        .check(classes);
  }

  @Test
  void dl4jInternalsAreTouchedOnlyInTheirFence() {
    noClasses().that().resideOutsideOfPackage("org.melforge.sharing.dl4j..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.deeplearning4j.spark.parameterserver.pw..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName(
            "org.deeplearning4j.optimize.solvers.accumulation.EncodingHandler")
        .check(classes);
  }

  @Test
  void nd4jInternalsAreTouchedOnlyInTheirFence() {
    noClasses().that().resideOutsideOfPackages("org.melforge.model.layers.nd4j..",
            "org.nd4j.nativeblas..")
        .should().dependOnClassesThat().resideInAnyPackage("org.nd4j.nativeblas..")
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
        .check(classes);
  }

  @Test
  void reflectionAndJvmWidePatchesLiveOnlyInTheFences() {
    noClasses().that().resideOutsideOfPackages("org.melforge.sharing.dl4j..",
            "org.melforge.model.layers.nd4j..", "org.melforge.spark.internal..")
        .should().callMethod(java.lang.reflect.AccessibleObject.class, "setAccessible",
            boolean.class)
        .orShould().callMethod(Class.class, "getDeclaredField", String.class)
        .orShould().callMethod(Class.class, "getDeclaredMethod", String.class, Class[].class)
        .orShould().callMethod(System.class, "setOut", java.io.PrintStream.class)
        .orShould().callMethod(System.class, "setErr", java.io.PrintStream.class)
        .orShould().callMethod(System.class, "setProperty", String.class, String.class)
        .check(classes);
  }
}
