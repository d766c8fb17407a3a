/**
 * The Spark runtime every MelForge job shares: the session ({@link org.melforge.spark.SparkRuntime}),
 * the job shape ({@link org.melforge.spark.SparkJob} with its immutable
 * {@link org.melforge.spark.JobResult}, its Spark work inside a {@link org.melforge.spark.JobGroup}),
 * and the build's versions and commit for provenance ({@link org.melforge.spark.BuildInfo}). Spark
 * internals are only used in {@link org.melforge.spark.internal}.
 */
package org.melforge.spark;
