package org.melforge.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.melforge.bottleneck.Codebooks;
import org.melforge.bottleneck.KMeans;
import org.melforge.bottleneck.VectorQuantizer;
import org.melforge.model.TokenizerModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * K-means initialisation of every codebook from encoder outputs of the first batches, level by
 * level (a lower level's input depends on the codes above it). In EMA mode the cluster sizes
 * become the members per batch and the sums center x size, the EMA's steady state for that
 * assignment; a center without members gets size 0 and is revived at the first step.
 */
final class CodebookInitializer {

  private static final Logger LOG = LoggerFactory.getLogger(CodebookInitializer.class);
  private static final int MAX_ITERATIONS = 50;

  private CodebookInitializer() {}

  static void kmeans(TokenizerModel model, List<INDArray> batches, long seed) {
    for (String name : model.bottlenecks()) {
      if (!(model.bottleneck(name) instanceof VectorQuantizer q)) {
        continue;
      }
      String input = model.inputOf(name);
      List<INDArray> rows = new ArrayList<>();
      for (INDArray x : batches) {
        Map<String, INDArray> acts = model.activations(model.evaluationBatch(x, 0));
        rows.add(Codebooks.rows(acts.get(input)));
      }
      KMeans km = KMeans.fit(Nd4j.vstack(rows.toArray(INDArray[]::new)), q.numEmbeddings(),
          MAX_ITERATIONS, seed);
      Map<String, INDArray> params = model.graph().getLayer(name).paramTable();
      params.get(VectorQuantizer.CODEBOOK).assign(km.centers());
      if (q.update() == VectorQuantizer.Update.EMA) {
        INDArray size = Nd4j.createFromArray(km.counts()).castTo(km.centers().dataType())
            .divi(batches.size()).reshape(1, q.numEmbeddings());
        params.get(VectorQuantizer.CLUSTER_SIZE).assign(size);
        params.get(VectorQuantizer.EMBED_SUM).assign(km.centers().mulColumnVector(size.reshape(-1, 1)));
      }
      LOG.info("k-means initialised codebook {} from {} vectors of {} batches ({} rounds, {})",
          name, rows.stream().mapToLong(INDArray::rows).sum(), batches.size(), km.rounds(),
          km.converged() ? "converged" : "stopped before convergence");
    }
  }
}
