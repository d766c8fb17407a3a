/**
 * The fence around the layer side's workarounds for ND4J, SameDiff and DL4J's layer runtimes: every
 * patch of their internals that the model code needs lives here (or, for the one class that must
 * keep a foreign name, is listed here), each with a test that fails by name when an upgrade breaks
 * it. The gradient-sharing side has its own fence, {@code org.melforge.sharing.dl4j}; the two are
 * apart because the model code ({@code model}, {@code model.layers}, {@code bottleneck}) must not
 * depend on {@code sharing}. This package depends on no other package of the project.
 *
 * <p>Pinned to nd4j-api, nd4j-native and deeplearning4j-nn <b>1.0.0-M2.1</b> (the parent pom's
 * {@code dl4j.version}). Before changing that version, run {@code Nd4jInternalsTest},
 * {@code OneDnnTest} and {@code GradientCheckTest}; each patch below says what to do when its test
 * fails.
 *
 * <h2>1. oneDNN helpers for DL4J's convolution layers ({@link OneDnn}, and the shim
 * {@code org.nd4j.nativeblas.Nd4jCpu})</h2>
 * <ul>
 *   <li><b>What:</b> {@link OneDnn#enable()} sets the JVM-wide system property
 *       {@code org.eclipse.deeplearning4j.helpers.disable=false} (called by
 *       {@code TokenizerModel} before it builds a network), and
 *       {@code src/main/java/org/nd4j/nativeblas/Nd4jCpu.java} provides the class
 *       {@code org.nd4j.nativeblas.Nd4jCpu$Environment} with {@code getInstance()} and
 *       {@code isUseMKLDNN()}, delegating to the M2.1 binding
 *       {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment#isUseONEDNN()}. The shim
 *       cannot live in this package: DL4J finds it by that exact name. It is CPU-only (the
 *       {@code -Dcuda} build leaves it and {@code OneDnnTest} out).
 *   <li><b>Why:</b> in M2.1 DL4J's {@code HelperUtils.createHelper} creates no layer helper unless
 *       that property is {@code false} (its default is {@code true}), and
 *       {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up the pre-M2.1 class and method names by
 *       reflection; without both, every convolution, subsampling and batch-norm layer silently
 *       falls back to im2col + gemm, several times slower.
 *   <li><b>Tests:</b> {@code Nd4jInternalsTest} (DL4J still reads the property and still looks up
 *       the old class and method names, the real binding still has the method the shim calls, the
 *       helper check passes); {@code OneDnnTest} (convolutions get their oneDNN helper only when
 *       enabled, and score the same). When DL4J no longer looks up the old names, delete the shim;
 *       when it no longer reads the property, delete {@link OneDnn#enable()}.
 * </ul>
 *
 * <h2>2. True gradients from DL4J's SameDiff layers ({@link SameDiffLayerRuntime})</h2>
 * <ul>
 *   <li><b>What:</b> the runtime of every SameDiff layer of the project halves the incoming error
 *       before DL4J's {@code SameDiffLayer.backpropGradient}.
 *   <li><b>Why:</b> M2.1's (non-output) {@code SameDiffLayer} returns exactly twice the true
 *       gradient, for its parameters and its input alike; the backward pass is linear in the
 *       error, so halving it gives the true gradients.
 *   <li><b>Tests:</b> {@code Nd4jInternalsTest} (DL4J's own runtime still doubles, this one does
 *       not); {@code GradientCheckTest} (numerical gradient checks of the SameDiff layers). When
 *       DL4J's runtime stops doubling, drop the halving (the layers then still need a runtime
 *       class of their own: {@code VectorQuantizerLayer}, {@code GaussianBottleneckLayer}).
 * </ul>
 *
 * <h2>3. SameDiff's "Added differentiated op" lines ({@link QuietSameDiff})</h2>
 * <ul>
 *   <li><b>What:</b> {@link QuietSameDiff#install()} replaces the JVM-wide {@code System.out} by a
 *       stream that drops the lines starting with {@code "Added differentiated op "} and passes
 *       everything else (called once by {@code TrainCli}).
 *   <li><b>Why:</b> M2.1's {@code SameDiff} prints such a line with {@code System.out.println}
 *       for every op of every SameDiff layer when it first builds the layer's gradient function,
 *       unconditionally (dozens of lines at the start of training).
 *   <li><b>Tests:</b> {@code Nd4jInternalsTest} (SameDiff still prints those lines through
 *       {@code println(String)}, and the filter drops them). When SameDiff stops printing them,
 *       delete {@link QuietSameDiff}.
 * </ul>
 *
 * <h2>4. Inference that keeps a ReLU's input ({@link CopyingActivationLayer})</h2>
 * <ul>
 *   <li><b>What:</b> the runtime of {@code org.melforge.model.layers.Relu} takes DL4J's
 *       activation layer's copying (training) path at inference too.
 *   <li><b>Why:</b> M2.1's {@code ActivationLayer} applies its activation in place on its input at
 *       inference ({@code output()} with workspaces); when that input also feeds another vertex,
 *       as in a residual block {@code x + f(relu(x))}, that vertex reads {@code relu(x)}.
 *   <li><b>Tests:</b> {@code Nd4jInternalsTest} (DL4J's activation layer still overwrites its input
 *       at inference and not in training; this runtime never does); {@code ModelRoundTripTest}
 *       (inference equals training on every preset). When DL4J stops overwriting, {@code Relu}
 *       can drop its own runtime.
 * </ul>
 *
 * <h2>Not here</h2>
 * Fixes that live in configuration classes named in saved model JSON cannot move without breaking
 * old checkpoints ({@code OlderCheckpointsTest}): {@code org.melforge.model.layers.Relu} (a
 * configuration whose runtime is patch 4) and {@code org.melforge.model.layers.ChannelSlice}
 * (overrides DL4J's {@code SubsetVertex}, which reports {@code from - to + 1} CNN channels as its
 * output type). Both only override public methods. The parent pom pins every DL4J module that
 * exists at M2.1 to it: an all-M2 build zeroes custom-layer gradients.
 */
package org.melforge.model.layers.nd4j;
