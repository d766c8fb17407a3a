/**
 * The fence around gradient sharing's workarounds for DL4J: every reflection into, or patch of,
 * the internals of deeplearning4j-nn's update encoding and dl4j-spark-parameterserver's shared
 * training lives here, each with a test that fails by name when an upgrade breaks it. The layer
 * side has its own fence, {@code org.melforge.model.layers.nd4j} (the model code must not depend on
 * {@code sharing}). This package depends on no other package of the project; {@code sharing} uses
 * it ({@code EncoderInstaller}, the Spark side of patch 1, and {@code SharedTrainer}).
 *
 * <p>Pinned to deeplearning4j-nn <b>1.0.0-M2.1</b> ({@code EncodedGradientsAccumulator},
 * {@code EncodingHandler}; the parent pom's {@code dl4j.version}) and dl4j-spark /
 * dl4j-spark-parameterserver <b>1.0.0-M2</b> ({@code SharedTrainingMaster},
 * {@code SharedTrainingWrapper}, {@code WiredEncodingHandler}; {@code dl4j.spark.version}, there is
 * no M2.1 of them). Before changing either, run {@code Dl4jInternalsTest},
 * {@code LevelledEncodingHandlerTest}, {@code LosslessThresholdTest}, {@code SharedTrainingTest}
 * and {@code SharedTrainingClusterTest}.
 *
 * <h2>1. Choosing the update encoder ({@link SharedWrapperAccess})</h2>
 * <ul>
 *   <li><b>What:</b> by reflection, reads {@code SharedTrainingMaster.instanceId},
 *       {@code SharedTrainingWrapper.accumulator} and {@code EncodedGradientsAccumulator.parties},
 *       and replaces an accumulator's {@code handler}, {@code workspaces}, {@code initialMemory},
 *       {@code queueSize} and the queues of {@code getMessages()} by those of an accumulator built
 *       around a {@link LevelledEncodingHandler}, then {@code initialize}s that handler with it.
 *       {@link SharedWrapperAccess#encodingWith} does so from the iterator of each training
 *       partition's batches, before handing out a batch, until it has happened: this relies on
 *       {@code SharedTrainingWrapper} (one per JVM and master, {@code getInstance(long)}) building
 *       its accumulator after a partition's iterator exists and before it draws the first batch,
 *       with no training step before that batch.
 *   <li><b>Why:</b> each executor's wrapper builds its accumulator with DL4J's one-level encoder
 *       in its first round; DL4J offers no setting to choose another encoder, and the fields
 *       are protected, without setters.
 *   <li><b>Tests:</b> {@code Dl4jInternalsTest} (every field by name, type and writability; the
 *       class initialises; the methods called; the swap on an accumulator built as the wrapper
 *       builds it queues every level's message, losslessly); {@code SharedTrainingTest} and
 *       {@code SharedTrainingClusterTest} (every executor encoded with the levelled handler and
 *       sent on every level: the timing holds).
 *   <li><b>Also read:</b> {@code SharedTrainingWrapper.originalModel}
 *       ({@link SharedWrapperAccess#model}), the replica an executor trains, so that the driver can
 *       check every executor's parameters against its own ({@code SharedTrainingClusterTest});
 *       DL4J exposes no accessor. Checked by {@code Dl4jInternalsTest} like the others.
 * </ul>
 *
 * <h2>2. Several threshold levels per step ({@link LevelledEncodingHandler})</h2>
 * <ul>
 *   <li><b>What:</b> a {@code WiredEncodingHandler} subclass that sends DL4J's message, then one
 *       bitmap message per further level of what is left.
 *   <li><b>Why it is counted as internal:</b> it extends a public class, but reads the protected
 *       per-thread state {@code thresholdAlgorithm} and {@code currentThreshold}, overrides the
 *       protected {@code sendMessage}, and relies on undocumented behaviour: that
 *       {@code encodeUpdates} leaves the residual in the array it encodes, that bitmap messages
 *       move elements by +-t and -t/2 only, and how DL4J sizes its message buffers.
 *   <li><b>Tests:</b> {@code Dl4jInternalsTest} (the protected members);
 *       {@code LevelledEncodingHandlerTest} (every message decoded with DL4J's decoders: sent +
 *       kept = fed; the bitmap format).
 * </ul>
 *
 * <h2>3. No dropped updates ({@link LosslessThreshold})</h2>
 * <ul>
 *   <li><b>What:</b> a {@code ThresholdAlgorithm} wrapper that returns a vanishing threshold for the
 *       one step on which DL4J's handler would hit its sparse-message limit.
 *   <li><b>Why it is counted as internal:</b> it implements a public interface, but mirrors
 *       {@code EncodingHandler}'s private mode switching (at most n/16 elements per sparse
 *       message, 4 header ints; bitmap mode until fewer than (n/16 + 5)/2 elements are encoded;
 *       one clone per thread, starting in bitmap mode). In M2.1 the handler discards a full sparse
 *       message and re-encodes as a bitmap, so those elements' updates are lost; if DL4J changes
 *       that logic, this guard silently stops guarding.
 *   <li><b>Tests:</b> {@code LosslessThresholdTest} (drives DL4J's own {@code EncodingHandler}
 *       across the switches: bare, it still drops updates; guarded, nothing is lost). When DL4J
 *       stops dropping them, the guard can go.
 * </ul>
 */
package org.melforge.sharing.dl4j;
