package org.melforge.training;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.melforge.checkpoint.Checkpoint;
import org.melforge.checkpoint.Checkpoints;
import org.melforge.model.TinyPresets;
import org.melforge.model.TokenizerModel;
import org.melforge.tensorstore.Npy;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes the expected outputs of a checkpoint folder, to freeze it as a compatibility fixture
 * (not a test). Usage: {@code CheckpointFixtures <checkpoint dir>}: writes {@code input.npy} (two
 * spectrograms from {@link TinyPresets#spectrograms}, seed 5) and {@code reconstruction.npy} (what
 * the checkpoint's model reconstructs from them) into the folder. {@link OlderCheckpointsTest}
 * then requires every later version to load the checkpoint and reproduce the reconstruction.
 */
public final class CheckpointFixtures {

  private CheckpointFixtures() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Checkpoint r = Checkpoints.read(new org.apache.hadoop.fs.Path(dir.toUri()),
        new Configuration());
    TokenizerModel model = TokenizerModel.wrap(r.info().model(), r.graph());
    INDArray x = TinyPresets.spectrograms(2, r.info().model().nMels(), r.info().model().nFrames(), 5);
    write(dir.resolve("input.npy"), x);
    write(dir.resolve("reconstruction.npy"), model.reconstruct(x));
  }

  private static void write(Path file, INDArray a) throws Exception {
    int[] shape = java.util.Arrays.stream(a.shape()).mapToInt(l -> (int) l).toArray();
    try (OutputStream out = Files.newOutputStream(file)) {
      Npy.writeFloat32(out, shape, a.dup('c').data().asFloat());
    }
  }
}
