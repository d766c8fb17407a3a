package org.melforge.eval.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of {@code pipeline-eval}'s main code: no cycles between its packages; the
 * demo on top of the job ({@code demo -> job -> export -> codes -> metrics}, {@code job -> report -> metrics},
 * {@code job -> audio}); the report and the audio knowing nothing of models or Spark, so the page
 * can be written from values alone; and no reach into a library's internals (those live in the
 * fences of the modules below, whose entry points it may call).
 */
class EvalArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importMainCode() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages("org.melforge.eval");
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("org.melforge.eval.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void dependenciesPointOneWay() {
    layeredArchitecture().consideringOnlyDependenciesInAnyPackage("org.melforge.eval..")
        .withOptionalLayers(true)
        .layer("demo").definedBy("org.melforge.eval.demo..")
        .layer("job").definedBy("org.melforge.eval.job..")
        .layer("export").definedBy("org.melforge.eval.export..")
        .layer("report").definedBy("org.melforge.eval.report..")
        .layer("audio").definedBy("org.melforge.eval.audio..")
        .layer("codes").definedBy("org.melforge.eval.codes..")
        .layer("metrics").definedBy("org.melforge.eval.metrics..")
        .whereLayer("demo").mayNotBeAccessedByAnyLayer()
        .whereLayer("job").mayOnlyBeAccessedByLayers("demo")
        .whereLayer("export").mayOnlyBeAccessedByLayers("job")
        .whereLayer("report").mayOnlyBeAccessedByLayers("job")
        .whereLayer("audio").mayOnlyBeAccessedByLayers("job")
        .whereLayer("codes").mayOnlyBeAccessedByLayers("job", "export")
        .whereLayer("metrics").mayOnlyBeAccessedByLayers("job", "export", "report", "codes")
        .check(classes);
  }

  @Test
  void theReportAndTheAudioAreWrittenFromValuesAlone() {
    noClasses().that().resideInAnyPackage("org.melforge.eval.report..", "org.melforge.eval.audio..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..",
            "org.deeplearning4j..", "org.melforge.model..", "org.melforge.training..",
            "org.melforge.checkpoint..")
        .check(classes);
  }

  @Test
  void noLibraryInternals() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage(
            "org.deeplearning4j.spark.parameterserver.pw..", "org.apache.spark.sql.catalyst..",
            "org.nd4j.linalg.api.ops.impl..", "java.lang.reflect..")
        .orShould().callMethod(System.class, "setOut", java.io.PrintStream.class)
        .because("workarounds that reach into a library live in the fences of the train and"
            + " features modules")
        .check(classes);
  }
}
