package org.melforge.audio;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import org.jflac.FLACDecoder;
import org.jflac.FrameListener;
import org.jflac.frame.Frame;
import org.jflac.metadata.Metadata;
import org.jflac.metadata.StreamInfo;
import org.melforge.audio.AudioDecodeException.Reason;

/**
 * FLAC decoding for {@link AudioDecoder} on top of jflac's frame API: each frame's integer samples are
 * read straight from the decoder's channel buffers and scaled by {@code 2^-(bits-1)}.
 *
 * <p>jflac does not fail on damaged streams, so this class checks for itself: jflac zeroes a frame
 * whose CRC does not match and reports it only to frame listeners; it skips frames it cannot parse
 * (counting them as bad frames) and bytes it cannot sync on; and it ends quietly, dropping the
 * partial frame, when the input stops inside a frame. Any reported error or bad frame is
 * {@link Reason#DECODE_FAILED}; fewer samples than STREAMINFO's total is {@link Reason#TRUNCATED}.
 * When STREAMINFO's total is 0 (unknown, as some streaming encoders write), a stream that stops
 * inside a frame is truncation too; one cut exactly between frames cannot be told from a complete one.
 */
final class FlacDecoder {

  /** A damaged STREAMINFO total must not allocate gigabytes up front; longer streams grow the buffers. */
  private static final int INITIAL_CAPACITY_LIMIT = 1 << 22;

  private FlacDecoder() {}

  /** Decodes the FLAC stream that starts (with its {@code fLaC} marker) at {@code offset}. */
  static DecodedAudio decode(byte[] bytes, int offset) throws AudioDecodeException {
    FLACDecoder decoder = new FLACDecoder(
        new ByteArrayInputStream(bytes, offset, bytes.length - offset));
    ErrorLog errors = new ErrorLog();
    decoder.addFrameListener(errors);
    StreamInfo info = readStreamInfo(decoder);
    int channels = info.getChannels();
    int bits = info.getBitsPerSample();
    int rate = info.getSampleRate();
    long total = info.getTotalSamples();
    if (bits < 4 || bits > 24) {
      throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT,
          "FLAC with " + bits + " bits per sample (supported: 4 to 24)");
    }
    if (rate <= 0) {
      throw new AudioDecodeException(Reason.DECODE_FAILED, "FLAC STREAMINFO declares sample rate " + rate);
    }
    if (total > Integer.MAX_VALUE) {
      throw new AudioDecodeException(Reason.UNSUPPORTED_FORMAT,
          "FLAC stream of " + total + " samples per channel is too long to decode into memory");
    }
    float scale = (float) Math.scalb(1.0, 1 - bits);
    int capacity = (int) Math.min(total > 0 ? total : info.getMaxBlockSize(), INITIAL_CAPACITY_LIMIT);
    float[][] out = new float[channels][Math.max(capacity, 1)];
    int n = 0;
    long frameEnd = 0;
    while (total == 0 || n < total) {
      Frame frame = nextFrame(decoder, errors, n);
      if (frame == null) {
        break;
      }
      int block = frame.header.blockSize;
      if (frame.header.channels != channels || frame.header.bitsPerSample != bits) {
        throw new AudioDecodeException(Reason.DECODE_FAILED, String.format(
            "FLAC frame at sample %d has %d channels x %d bits, STREAMINFO declares %d x %d",
            n, frame.header.channels, frame.header.bitsPerSample, channels, bits));
      }
      if ((long) n + block > Integer.MAX_VALUE || total > 0 && n + block > total) {
        throw new AudioDecodeException(Reason.DECODE_FAILED, String.format(
            "FLAC frames hold more samples (%d) than STREAMINFO's total of %d", (long) n + block, total));
      }
      if (n + block > out[0].length) {
        int grown = (int) Math.min(Integer.MAX_VALUE, Math.max(2L * out[0].length, (long) n + block));
        for (int c = 0; c < channels; c++) {
          out[c] = Arrays.copyOf(out[c], grown);
        }
      }
      for (int c = 0; c < channels; c++) {
        int[] samples = decoder.getChannelData()[c].getOutput();
        float[] dst = out[c];
        for (int i = 0; i < block; i++) {
          dst[n + i] = samples[i] * scale;
        }
      }
      n += block;
      frameEnd = decoder.getTotalBytesRead();
    }
    if (n < total) {
      throw new AudioDecodeException(Reason.TRUNCATED, String.format(
          "FLAC stream ends after %d of the %d samples declared in STREAMINFO", n, total));
    }
    if (total == 0 && offset + frameEnd < bytes.length) {
      throw new AudioDecodeException(Reason.TRUNCATED, String.format(
          "FLAC stream of unknown length ends inside a frame, after %d complete samples", n));
    }
    if (n == 0) {
      throw new AudioDecodeException(Reason.EMPTY, "FLAC stream holds 0 samples");
    }
    for (int c = 0; c < channels; c++) {
      if (out[c].length != n) {
        out[c] = Arrays.copyOf(out[c], n);
      }
    }
    return new DecodedAudio(new SourceFormat("flac", "pcm_s" + bits, bits, channels, rate, n), out);
  }

  private static StreamInfo readStreamInfo(FLACDecoder decoder) throws AudioDecodeException {
    Metadata[] metadata;
    try {
      metadata = decoder.readMetadata();
    } catch (EOFException e) {
      throw new AudioDecodeException(Reason.TRUNCATED, "FLAC file ends inside its metadata blocks", e);
    } catch (IOException | RuntimeException e) {
      throw new AudioDecodeException(Reason.DECODE_FAILED, "unreadable FLAC metadata: " + e, e);
    }
    if (metadata.length == 0 || !(metadata[0] instanceof StreamInfo info)) {
      throw new AudioDecodeException(Reason.DECODE_FAILED, "FLAC stream does not start with a STREAMINFO block");
    }
    if (info.getChannels() < 1) {
      throw new AudioDecodeException(Reason.DECODE_FAILED, "FLAC STREAMINFO declares 0 channels");
    }
    return info;
  }

  /** The next frame, or null at the end of the input; fails on anything jflac reports or skips. */
  private static Frame nextFrame(FLACDecoder decoder, ErrorLog errors, int position)
      throws AudioDecodeException {
    int badBefore = decoder.getBadFrames();
    Frame frame;
    try {
      frame = decoder.readNextFrame();
    } catch (IOException | RuntimeException e) {
      throw new AudioDecodeException(Reason.DECODE_FAILED,
          "corrupt FLAC frame after sample " + position + ": " + e, e);
    }
    if (decoder.getBadFrames() != badBefore || errors.first != null && (frame != null || !errors.endOfInput)) {
      throw new AudioDecodeException(Reason.DECODE_FAILED, "corrupt FLAC frame after sample " + position
          + ": " + (errors.first != null ? errors.first : "frame could not be parsed"));
    }
    return frame;
  }

  /**
   * Keeps the first error jflac reports (it reports them only to frame listeners), and whether it
   * was the input ending inside a frame, which jflac reports before returning no frame.
   */
  private static final class ErrorLog implements FrameListener {
    private String first;
    private boolean endOfInput;

    @Override
    public void processMetadata(Metadata metadata) {}

    @Override
    public void processFrame(Frame frame) {}

    @Override
    public void processError(String message) {
      if (first == null) {
        first = message;
        endOfInput = message.contains(EOFException.class.getSimpleName());
      }
    }
  }
}
