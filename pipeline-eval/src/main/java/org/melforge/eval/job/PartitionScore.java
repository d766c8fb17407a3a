package org.melforge.eval.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.melforge.bottleneck.Bottleneck;
import org.melforge.eval.codes.LevelStatistics;
import org.melforge.eval.metrics.ExampleMetrics;
import org.melforge.eval.metrics.Ssim;
import org.melforge.model.LossParts;
import org.melforge.model.TokenizerModel;
import org.melforge.training.Scorer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * What the evaluation of one partition returns to the driver: a row of metric values per example
 * (in {@link #names} order), the partition's level statistics, and the first posterior means of
 * its examples (for the report's latent map).
 *
 * @param examples one score per example, in id order
 * @param levels the partition's code and latent statistics
 * @param latents up to the requested number of posterior means of the first Gaussian level
 */
record PartitionScore(List<ExampleScore> examples, LevelStatistics levels, List<Latent> latents)
    implements Serializable {

  /** An example's metric values, in {@link #names} order. */
  record ExampleScore(String id, double[] values) implements Serializable {}

  /** An example's posterior mean. */
  record Latent(String id, double[] mu) implements Serializable {}

  /** The metrics of {@link ExampleMetrics}, then the model's loss parts prefixed {@code loss_}. */
  static List<String> names(TokenizerModel model) {
    List<String> names = new ArrayList<>(List.of("mse", "psnr", "rmse_db", "ssim", "mse_valid",
        "psnr_valid", "rmse_db_valid", "ssim_valid"));
    LossParts.perExampleNames(model).forEach(part -> names.add("loss_" + part));
    return names;
  }

  /**
   * Scores a partition's batches with {@code model}: inference mode, losses weighted as at
   * {@code globalStep}.
   */
  static Iterator<PartitionScore> score(TokenizerModel model, Iterator<Scorer.Batch> batches,
      long globalStep, int latentPoints) {
    List<ExampleScore> examples = new ArrayList<>();
    List<Latent> latents = new ArrayList<>();
    LevelStatistics levels = new LevelStatistics(model);
    Ssim ssim = new Ssim();
    while (batches.hasNext()) {
      Scorer.Batch batch = batches.next();
      MultiDataSet data = model.evaluationBatch(batch.tensors(), globalStep);
      Map<String, INDArray> acts = model.activations(data);
      levels.add(model, acts);
      Map<String, double[]> losses = LossParts.perExample(model, acts, data);
      float[][] originals = rows(batch.tensors());
      float[][] recons = rows(acts.get(model.reconstructionVertex()));
      int nMels = (int) batch.tensors().size(2);
      int nFrames = (int) batch.tensors().size(3);
      for (int i = 0; i < originals.length; i++) {
        ExampleMetrics m = ExampleMetrics.of(originals[i], recons[i], nMels, nFrames,
            batch.validFrames().get(i), ssim);
        examples.add(new ExampleScore(batch.ids().get(i), values(m, losses, i)));
      }
      collectLatents(model, acts, batch.ids(), latents, latentPoints);
    }
    return List.of(new PartitionScore(examples, levels, latents)).iterator();
  }

  private static double[] values(ExampleMetrics m, Map<String, double[]> losses, int i) {
    double[] out = new double[8 + losses.size()];
    double[] metrics = {m.mse(), m.psnr(), m.rmseDb(), m.ssim(), m.mseValid(), m.psnrValid(),
        m.rmseDbValid(), m.ssimValid()};
    System.arraycopy(metrics, 0, out, 0, metrics.length);
    int k = metrics.length;
    for (double[] part : losses.values()) {
      out[k++] = part[i];
    }
    return out;
  }

  private static void collectLatents(TokenizerModel model, Map<String, INDArray> acts,
      List<String> ids, List<Latent> latents, int limit) {
    for (String level : model.bottlenecks()) {
      if (model.bottleneck(level).kind() == Bottleneck.Kind.GAUSSIAN) {
        double[][] mu = LossParts.mu(acts.get(level)).toDoubleMatrix();
        for (int i = 0; i < mu.length && latents.size() < limit; i++) {
          latents.add(new Latent(ids.get(i), mu[i]));
        }
        return;
      }
    }
  }

  private static float[][] rows(INDArray images) {
    long b = images.size(0);
    return images.reshape(b, images.length() / b).toFloatMatrix();
  }
}
