package org.melforge.audio;

/**
 * Decoded audio as float samples in [-1, 1), one array per channel ({@code channels[c][i]}), each of
 * {@code format.frames()} samples.
 *
 * @param format the format of the source file
 * @param channels samples per channel
 */
public record DecodedAudio(SourceFormat format, float[][] channels) {}
