package org.melforge.model.layers;

import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Channels {@code [from, to]} (inclusive) of a CNN activation, or columns of a feed-forward one.
 * DL4J's {@link SubsetVertex} slices correctly at run time but reports {@code from - to + 1} CNN
 * channels as its output type; this vertex reports {@code to - from + 1}.
 */
public class ChannelSlice extends SubsetVertex {

  @JsonCreator
  public ChannelSlice(@JsonProperty("from") int from, @JsonProperty("to") int to) {
    super(from, to);
  }

  /** Channels {@code [from, from + count)}. */
  public static ChannelSlice range(int from, int count) {
    return new ChannelSlice(from, from + count - 1);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... in) {
    int n = getTo() - getFrom() + 1;
    if (in[0] instanceof InputType.InputTypeConvolutional c) {
      return InputType.convolutional(c.getHeight(), c.getWidth(), n, c.getFormat());
    }
    return super.getOutputType(layerIndex, in);
  }

  @Override
  public ChannelSlice clone() {
    return new ChannelSlice(getFrom(), getTo());
  }
}
