package org.melforge.eval.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.config.Cli;
import org.melforge.config.CliRun;
import org.melforge.training.Presets;

/**
 * The demo's steps: the commands of submit/features, submit/train and submit/eval in pipeline
 * order, every output under the repository's {@code out/demo}, and a failing step that stops the
 * demo with its exit code.
 */
class DemoCliTest {

  @Test
  void stepsRunThePipelineInOrderOnTheDemoConfiguration(@TempDir Path home) {
    List<DemoCli.Step> steps = DemoCli.steps(home, List.of("features.max-error-fraction=0.5"));
    assertEquals(List.of("features", "inspect nsynth", "inspect speech", "train timbre-vae",
            "train vqvae-80x128", "train vqvae-128x320", "train auddsr", "eval nsynth",
            "eval speech", "export auddsr"),
        steps.stream().map(DemoCli.Step::name).toList());
    assertEquals(List.of("run", "--conf", home.resolve("conf/demo.conf").toString(),
        "features.max-error-fraction=0.5"), steps.get(0).args());
    for (DemoCli.Step s : steps.subList(3, 7)) {
      String preset = s.args().get(s.args().indexOf("--preset") + 1);
      assertTrue(Presets.NAMES.contains(preset), preset + " is a bundled preset");
      assertEquals(preset.equals(DemoCli.SHARED), s.args().contains("sharing.mode=shared"), preset);
    }
    List<String> evalNsynth = steps.get(7).args();
    assertEquals(home.resolve("out/demo/train/timbre-vae").toString(),
        evalNsynth.get(evalNsynth.indexOf("--checkpoint") + 1));
    assertEquals(home.resolve("out/demo/train/vqvae-80x128").toString(),
        evalNsynth.get(evalNsynth.lastIndexOf("--checkpoint") + 1));
    for (DemoCli.Step s : steps) {
      for (int i = 0; i + 1 < s.args().size(); i++) {
        if (s.args().get(i).equals("--output") || s.args().get(i).equals("--out")) {
          assertTrue(Path.of(s.args().get(i + 1)).startsWith(home.resolve("out/demo")),
              s.name() + " writes under out/demo");
        }
      }
    }
  }

  @Test
  void aFailingStepStopsTheDemoWithItsExitCode(@TempDir Path home) {
    CliRun run = CliRun.of(args -> DemoCli.run(home, List.of(args)));
    assertEquals(Cli.USAGE, run.code(), run.err());
    assertTrue(run.err().contains("demo: features failed (exit code 2)"), run.err());
    assertTrue(run.err().contains("demo.conf"), "names the missing configuration: " + run.err());
    assertFalse(run.out().contains("[melforge] demo: inspect"), run.out());
    assertFalse(Files.exists(home.resolve("out/demo/train")));
  }
}
