/**
 * Audio of stored log-mel tensors, for the eval report's players: {@link
 * org.melforge.eval.audio.MelInverse} (stored values to a linear magnitude spectrogram by the
 * filterbank's pseudo-inverse), {@link org.melforge.eval.audio.GriffinLim} (phase reconstruction at
 * the features job's STFT settings) and {@link org.melforge.eval.audio.Wav} (16-bit mono WAV),
 * combined by {@link org.melforge.eval.audio.Sonifier}:
 *
 * <pre>{@code
 * byte[] wav = new Sonifier(MelSettings.speech()).wav(tensor, 128, 320, validFrames);
 * }</pre>
 */
package org.melforge.eval.audio;
