package org.melforge.model.layers.nd4j;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;

/**
 * Switches DL4J 1.0.0-M2.1's oneDNN layer helpers on, and checks that they are in use.
 *
 * <p>Two things keep DL4J's convolution layers off oneDNN in M2.1: {@code
 * HelperUtils.createHelper} returns no helper unless the system property {@value #PROPERTY} is
 * {@code false} (its default is {@code true}), and the helper's availability check needs the
 * class {@link org.nd4j.nativeblas.Nd4jCpu}, which this module provides. The property is read
 * when a layer is instantiated, so call {@link #enable()} before any network is built. Part of the
 * ND4J/SameDiff fence (see {@code package-info.java}).
 */
public final class OneDnn {

  /** System property read by DL4J's {@code HelperUtils} each time a layer creates its helper. */
  static final String PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

  private OneDnn() {}

  /** Lets layers built from now on create their oneDNN helpers. Idempotent. */
  public static void enable() {
    System.setProperty(PROPERTY, "false");
  }

  /**
   * @return whether {@link #enable()} is in effect for layers built from now on
   */
  static boolean enabled() {
    return "false".equalsIgnoreCase(System.getProperty(PROPERTY));
  }

  /**
   * Whether a layer of a built graph runs through a oneDNN helper.
   *
   * @param graph an initialised graph
   * @param layerName the name of one of its layers
   * @return true when the layer holds a helper from DL4J's {@code mkldnn} package
   * @throws IllegalArgumentException when the graph has no such layer
   */
  public static boolean helperActive(ComputationGraph graph, String layerName) {
    if (!graph.getConfiguration().getVertices().containsKey(layerName)) {
      throw new IllegalArgumentException("no layer named " + layerName);
    }
    LayerHelper helper = graph.getLayer(layerName).getHelper();
    return helper != null && helper.getClass().getName().contains(".mkldnn.");
  }
}
