package org.melforge.model.layers.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.melforge.DoublePrecision;
import org.melforge.model.layers.LayerRuntimes;
import org.melforge.model.layers.Relu;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Every ND4J, SameDiff and DL4J-layer internal that this package's patches rely on is still there
 * and still behaves as patched (see {@code package-info.java}): after an upgrade of
 * nd4j/deeplearning4j-nn 1.0.0-M2.1, a failure here names the internal and what to do.
 */
@ExtendWith(DoublePrecision.class)
class Nd4jInternalsTest {

  private static final String SHIM = "org.nd4j.nativeblas.Nd4jCpu$Environment";
  private static final String BINDING = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

  // 1. oneDNN helpers (OneDnn, org.nd4j.nativeblas.Nd4jCpu)

  @Test
  void dl4jStillReadsTheHelperSwitch() {
    assertTrue(constants("org.deeplearning4j.nn.layers.HelperUtils").contains(OneDnn.PROPERTY),
        "DL4J's HelperUtils no longer reads the system property " + OneDnn.PROPERTY
            + ": OneDnn.enable() has no effect any more (ND4J fence, patch 1)");
  }

  @Test
  void dl4jStillLooksUpTheShimByItsOldNames() {
    String constants = constants("org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper");
    for (String name : List.of(SHIM, "getInstance", "isUseMKLDNN")) {
      assertTrue(constants.contains(name), "DL4J's BaseMKLDNNHelper no longer looks up '" + name
          + "': the shim org.nd4j.nativeblas.Nd4jCpu is not used any more (ND4J fence, patch 1)");
    }
  }

  @Test
  void theShimAndTheBindingItCallsHaveTheirMethods() throws Exception {
    assumeTrue(cpuBackend(), "the oneDNN shim is CPU-only");
    Class<?> shim = Class.forName(SHIM);
    assertMethod(shim, "getInstance", shim, true);
    assertMethod(shim, "isUseMKLDNN", boolean.class, false);
    Class<?> binding;
    try {
      binding = Class.forName(BINDING);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("ND4J has no class " + BINDING + ", which the shim "
          + "org.nd4j.nativeblas.Nd4jCpu delegates to (ND4J fence, patch 1)", e);
    }
    assertMethod(binding, "getInstance", binding, true);
    assertMethod(binding, "isUseONEDNN", boolean.class, false);
  }

  @Test
  void dl4jsHelperCheckFindsOneDnnThroughTheShim() {
    assumeTrue(cpuBackend(), "the oneDNN shim is CPU-only");
    assertTrue(BaseMKLDNNHelper.mklDnnEnabled(), "BaseMKLDNNHelper.mklDnnEnabled() is false: "
        + "DL4J's layers do not get their oneDNN helpers (ND4J fence, patch 1)");
  }

  // 2. SameDiff layer gradients (SameDiffLayerRuntime)

  @Test
  void dl4jsSameDiffLayerStillDoublesTheGradientAndTheRuntimeDoesNot() {
    INDArray truth = denseWeightGradient(null);
    INDArray plain = denseWeightGradient(new PlainIdentity());
    INDArray fixed = denseWeightGradient(new FixedIdentity());
    assertTrue(plain.equalsWithEps(truth.mul(2), 1e-9), "DL4J's SameDiffLayer no longer returns "
        + "twice the true gradient (" + plain + " for " + truth + "): SameDiffLayerRuntime now "
        + "halves it (ND4J fence, patch 2)");
    assertTrue(fixed.equalsWithEps(truth, 1e-9),
        "SameDiffLayerRuntime: " + fixed + " for " + truth);
  }

  // 3. SameDiff's println (QuietSameDiff)

  @Test
  void sameDiffStillPrintsItsDifferentiatedOpsAndTheFilterDropsThem() {
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      differentiate();
      assertTrue(lines(printed).stream().anyMatch(l -> l.startsWith(QuietSameDiff.PREFIX)),
          "SameDiff no longer prints '" + QuietSameDiff.PREFIX + "...' lines to System.out: "
              + "QuietSameDiff can go (ND4J fence, patch 3)");
      printed.reset();
      QuietSameDiff.install();
      differentiate();
      System.out.println("kept");
      assertFalse(lines(printed).stream().anyMatch(l -> l.startsWith(QuietSameDiff.PREFIX)),
          "QuietSameDiff let through: " + lines(printed));
      assertTrue(lines(printed).contains("kept"), "QuietSameDiff dropped other lines");
    } finally {
      System.setOut(original);
    }
  }

  // 4. ReLU at inference (CopyingActivationLayer)

  @Test
  void dl4jsActivationLayerStillOverwritesItsInputAtInferenceAndTheRuntimeDoesNot() {
    assertTrue(overwritesInput(new ActivationLayer(Activation.RELU), false), "DL4J's "
        + "ActivationLayer no longer applies its activation in place at inference: "
        + "CopyingActivationLayer (the runtime of Relu) is not needed any more (ND4J fence, patch 4)");
    assertFalse(overwritesInput(new ActivationLayer(Activation.RELU), true), "DL4J's "
        + "ActivationLayer now overwrites its input in training too: CopyingActivationLayer does "
        + "not keep it any more (ND4J fence, patch 4)");
    assertFalse(overwritesInput(new Relu(), false), "Relu's runtime overwrote its input");
  }

  /** Whether a layer of configuration {@code conf} overwrites its input when it activates. */
  private static boolean overwritesInput(ActivationLayer conf, boolean training) {
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
        .dataType(DataType.DOUBLE).graphBuilder().addInputs("x")
        .setInputTypes(InputType.feedForward(4)).addLayer("act", conf, "x").setOutputs("act")
        .build());
    g.init();
    INDArray x = Nd4j.createFromArray(-1.0, 2.0, -3.0, 4.0).reshape(1, 4);
    INDArray before = x.dup();
    Layer layer = g.getLayer("act");
    layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
    layer.activate(training, LayerWorkspaceMgr.noWorkspaces());
    return !x.equals(before);
  }

  private static void differentiate() {
    SameDiff sd = SameDiff.create();
    SDVariable w = sd.var("w", Nd4j.rand(DataType.DOUBLE, 2, 3));
    SDVariable loss = sd.sum("loss", w.mul(w));
    sd.setLossVariables(loss);
    sd.calculateGradients(Map.of(), "w");
  }

  private static List<String> lines(ByteArrayOutputStream printed) {
    return printed.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** The identity as a SameDiff layer, run by DL4J's own SameDiff layer runtime. */
  static class PlainIdentity extends SameDiffLambdaLayer {
    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x) {
      return x.mul(1.0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
      return inputType;
    }
  }

  /** The identity run by {@link SameDiffLayerRuntime}. */
  static class FixedIdentity extends PlainIdentity {
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
        int layerIndex, INDArray paramsView, boolean initializeParams, DataType dataType) {
      return LayerRuntimes.wire(new SameDiffLayerRuntime(conf, dataType), this, conf, listeners,
          layerIndex, paramsView, initializeParams);
    }
  }

  /**
   * The gradient of a dense layer's weights under a squared-error output, with {@code identity}
   * (none when null) between the two; the same parameters and data every time.
   */
  private static INDArray denseWeightGradient(SameDiffLambdaLayer identity) {
    var b = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
        .updater(new NoOp()).graphBuilder().addInputs("x")
        .setInputTypes(InputType.feedForward(3))
        .addLayer("d", new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build(), "x");
    if (identity != null) {
      b.addLayer("id", identity, "d");
    }
    ComputationGraphConfiguration conf = b.addLayer("out",
            new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                .activation(Activation.IDENTITY).build(), identity == null ? "d" : "id")
        .setOutputs("out").build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    Nd4j.getRandom().setSeed(17);
    for (String layer : List.of("d", "out")) {
      for (Map.Entry<String, INDArray> p : g.getLayer(layer).paramTable().entrySet()) {
        p.getValue().assign(Nd4j.rand(DataType.DOUBLE, p.getValue().shape()).subi(0.5));
      }
    }
    g.setInputs(Nd4j.rand(DataType.DOUBLE, 5, 3));
    g.setLabels(Nd4j.rand(DataType.DOUBLE, 5, 2));
    g.computeGradientAndScore();
    return g.gradient().getGradientFor("d_W").dup();
  }

  private static boolean cpuBackend() {
    return "CPU".equalsIgnoreCase(
        Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
  }

  private static void assertMethod(Class<?> owner, String name, Class<?> returns,
      boolean isStatic) {
    Method m;
    try {
      m = owner.getMethod(name);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(owner.getName() + " has no public method " + name + "() "
          + "(ND4J fence, patch 1)", e);
    }
    assertEquals(returns, m.getReturnType(), owner.getName() + "#" + name + " returns");
    assertEquals(isStatic, Modifier.isStatic(m.getModifiers()), owner.getName() + "#" + name
        + " is static");
  }

  /**
   * The text of a class file of the class path: its constant pool holds every class and member
   * name and string literal the class uses, in (modified) UTF-8, so ASCII names can be searched.
   */
  private static String constants(String className) {
    String resource = className.replace('.', '/') + ".class";
    try (InputStream in = Nd4jInternalsTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        fail("no class " + className + " on the class path (ND4J fence, patch 1)");
      }
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + resource, e);
    }
  }
}
