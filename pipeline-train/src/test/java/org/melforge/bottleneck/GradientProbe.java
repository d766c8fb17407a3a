package org.melforge.bottleneck;

import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Test-only identity vertex that records the gradient arriving at its output during
 * backpropagation. DL4J M2.1 discards the gradient with respect to graph inputs, so a probe placed
 * right after an input exposes it.
 */
class GradientProbe extends ScaleVertex {

  static INDArray last;

  GradientProbe() {
    super(1.0);
  }

  @Override
  public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
      boolean initializeParams, DataType dataType) {
    return new org.deeplearning4j.nn.graph.vertex.impl.ScaleVertex(graph, name, idx, 1.0, dataType) {
      @Override
      public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
        last = getEpsilon().detach();
        return super.doBackward(tbptt, mgr);
      }
    };
  }

  @Override
  public GradientProbe clone() {
    return new GradientProbe();
  }
}
