/**
 * Audio file decoding for the feature pipeline: {@link org.melforge.audio.AudioDecoder} turns WAV and
 * FLAC bytes into float samples (or mono at a target rate, via {@link org.melforge.audio.Resampler},
 * which reproduces torchaudio's resampling), and reports unusable files as
 * {@link org.melforge.audio.AudioDecodeException} with a machine-readable reason.
 */
package org.melforge.audio;
