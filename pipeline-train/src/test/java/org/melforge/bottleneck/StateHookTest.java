package org.melforge.bottleneck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.melforge.DoublePrecision;
import org.melforge.model.layers.StepObserver;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The {@link StatefulLayer} contract as the EMA quantizer keeps it, in the tiny graph of
 * {@link VectorQuantizerGraphTest}: with an active hook a training step hands its statistics over
 * and leaves the state alone; applying those statistics (merged from two halves of the batch) gives
 * exactly the state the layer reaches on its own without a hook; state copies and fingerprints.
 */
@ExtendWith(DoublePrecision.class)
class StateHookTest {

  /** Records what the layers hand over. */
  private static final class Recorder implements StateHook, StepObserver {
    final List<StatefulLayer> trained = new ArrayList<>();
    final List<StateStatistics> statistics = new ArrayList<>();
    final List<String> observed = new ArrayList<>();

    @Override
    public void beforeTraining(StatefulLayer layer) {
      trained.add(layer);
    }

    @Override
    public void statistics(StatefulLayer layer, StateStatistics stats, long step) {
      statistics.add(stats);
    }

    @Override
    public void observe(String layer, INDArray activation) {
      observed.add(layer);
    }

    @Override
    public void observeOutput(String layer, INDArray input, INDArray labels) {
      observed.add(layer);
    }
  }

  private final Recorder recorder = new Recorder();

  @AfterEach
  void deactivate() {
    StateHook.deactivate(recorder);
    StepObserver.deactivate(recorder);
  }

  private static ComputationGraph graph() {
    return VectorQuantizerGraphTest.graph(VectorQuantizer.Update.EMA, new Sgd(0.5), 0.5, 1e-5, 0);
  }

  @Test
  void withAnActiveHookTheStepHandsItsStatisticsOverAndTheirMergeAppliesLikeTheStepAlone() {
    ComputationGraph alone = graph();
    alone.fit(VectorQuantizerGraphTest.data());
    StatefulLayer reference = (StatefulLayer) alone.getLayer("vq");

    ComputationGraph hooked = graph();
    StatefulLayer layer = (StatefulLayer) hooked.getLayer("vq");
    Map<String, INDArray> before = layer.state();
    StateHook.activate(recorder);
    StepObserver.activate(recorder);
    assertSame(recorder, StateHook.active());
    hooked.fit(VectorQuantizerGraphTest.data());
    assertEquals(List.of(layer), recorder.trained, "the replica announced its training pass");
    assertEquals(1, recorder.statistics.size(), "one step, one hand-over");
    assertTrue(recorder.observed.containsAll(List.of("vq", "recon", "aux")), recorder.observed
        .toString());
    assertEquals(StateFingerprint.of(before), StateFingerprint.of(layer.state()),
        "the layer did not update its own state");

    CodeStatistics all = (CodeStatistics) recorder.statistics.get(0);
    INDArray z = all.candidates();
    long[] idx = Codebooks.nearest(z, before.get(VectorQuantizer.CODEBOOK));
    int half = (int) z.rows() / 2;
    CodeStatistics first = CodeStatistics.of(z.get(org.nd4j.linalg.indexing.NDArrayIndex
        .interval(0, half)), java.util.Arrays.copyOfRange(idx, 0, half), 3);
    CodeStatistics second = CodeStatistics.of(z.get(org.nd4j.linalg.indexing.NDArrayIndex
        .interval(half, z.rows())), java.util.Arrays.copyOfRange(idx, half, idx.length), 3);
    StateHook.deactivate(recorder);
    layer.applyStatistics(first.merge(second), 1, 0);
    assertEquals(StateFingerprint.of(reference.state()), StateFingerprint.of(layer.state()),
        "merged halves applied = the step applied by the layer itself");
  }

  @Test
  void stateCopiesInstallAndFingerprintsTellReplicasApart() {
    StatefulLayer a = (StatefulLayer) graph().getLayer("vq");
    ComputationGraph trained = graph();
    trained.fit(VectorQuantizerGraphTest.data());
    StatefulLayer b = (StatefulLayer) trained.getLayer("vq");
    assertNotEquals(StateFingerprint.of(a.state()), StateFingerprint.of(b.state()));
    a.setState(b.state());
    assertEquals(StateFingerprint.of(b.state()), StateFingerprint.of(a.state()));
    assertEquals("vq", a.stateName());
    StatefulLayer loss = (StatefulLayer) VectorQuantizerGraphTest.graph(VectorQuantizer.Update.LOSS,
        new Sgd(0.5), 0.5, 1e-5, 0).getLayer("vq");
    assertTrue(loss.state().isEmpty(), "a codebook trained by its loss has no such state");
  }
}
