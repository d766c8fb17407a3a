package org.nd4j.nativeblas;

/**
 * Compatibility shim that lets DL4J 1.0.0-M2.1 find out whether ND4J runs with oneDNN.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#getInstance()} and {@code #isUseMKLDNN()} by
 * reflection. In M2.1 the JavaCPP bindings moved to {@code
 * org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and the method was renamed to {@code
 * isUseONEDNN()}, so the lookup throws {@code ClassNotFoundException}, the check reports "no
 * oneDNN", and every DL4J convolution, subsampling and batch-norm layer silently drops its oneDNN
 * helper and falls back to im2col + gemm (several times slower). This class restores the old name
 * and delegates to the new binding. It only matters together with {@code
 * org.melforge.model.layers.nd4j.OneDnn#enable()}, which lifts DL4J's second switch. It must keep
 * this package and name to be found; it is listed in the ND4J/SameDiff fence, {@code
 * org.melforge.model.layers.nd4j} (see its {@code package-info.java}).
 */
public final class Nd4jCpu {

  private Nd4jCpu() {}

  /** The slice of the old native environment API that DL4J's helper check calls. */
  public static final class Environment {

    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    /**
     * @return the single instance, as the old binding's {@code getInstance()} did
     */
    public static Environment getInstance() {
      return INSTANCE;
    }

    /**
     * @return whether libnd4j was built with oneDNN and has it switched on
     */
    public boolean isUseMKLDNN() {
      return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }
  }
}
