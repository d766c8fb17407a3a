package org.melforge.training;

import java.util.Map;

/**
 * What a training run did.
 *
 * @param output folder of checkpoints and history
 * @param startEpoch epochs already done when the run started (0 on a fresh start)
 * @param epochs epochs completed in total
 * @param globalStep training steps completed in total
 * @param lastCheckpoint folder of the last checkpoint written (or resumed from)
 * @param train last epoch's training metrics
 * @param valid last epoch's validation metrics
 */
public record TrainResult(String output, int startEpoch, int epochs, long globalStep,
    String lastCheckpoint, Map<String, Double> train, Map<String, Double> valid) {}
