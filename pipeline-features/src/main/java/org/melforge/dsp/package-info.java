/**
 * Log-mel spectrograms as librosa and torchaudio compute them: periodic Hann window, centred
 * frames with reflect padding, one-sided power spectrum, Slaney or HTK triangular mel filterbank,
 * decibels relative to the clip maximum clipped to [-80, 0], and fixed-length windows of
 * {@code dB/40 + 1} values for the tensor table.
 *
 * <p>Typical use, one {@link org.melforge.dsp.LogMelSpectrogram} per thread:
 *
 * <pre>{@code
 * LogMelSpectrogram logMel = new LogMelSpectrogram(MelSettings.speech());
 * List<MelWindow> windows = MelWindows.consecutive(logMel.decibels(samples), 320);
 * }</pre>
 */
package org.melforge.dsp;
