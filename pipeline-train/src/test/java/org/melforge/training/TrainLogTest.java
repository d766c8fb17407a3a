package org.melforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melforge.spark.SparkRuntime;
import org.melforge.spark.TestSpark;

/**
 * The log a user reads: a tiny gradient-sharing run of the train CLI ({@code auddsr-tiny}, whose
 * SameDiff layers make ND4J load its op registry) in a fresh JVM started as {@code submit/train}'s
 * embedded runner starts it (the flags of {@code conf/jvm.options}, logging configured by
 * {@code conf/log4j2.properties}) logs no warning and no error, so none of the DL4J, ND4J and
 * Hadoop warnings that {@code conf/log4j2.properties} silences as expected by design (gradient
 * sharing never averages parameters, ND4J's duplicate TensorFlow op mappings, no native Hadoop
 * library), while the job's own progress lines still show.
 */
class TrainLogTest {

  private static final Path LOG4J2 = Path.of("../conf/log4j2.properties").toAbsolutePath().normalize();
  private static final long TIMEOUT_SECONDS = 240;
  /** A line of conf/log4j2.properties' console layout at WARN or above. */
  private static final Pattern WARNING = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d (WARN|ERROR|FATAL) .*");

  @TempDir
  static Path tmp;

  @Test
  void aSharedRunLogsNoWarningButItsProgress() throws Exception {
    SampleTables tables = SampleTables.write(TestSpark.get(), tmp.resolve("features"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(SparkRuntime.jvmOptions().trim().split("\\s+")));
    cmd.addAll(List.of("-Dlog4j2.configurationFile=file:" + LOG4J2, "-Dspark.master=local[2]",
        "-cp", System.getProperty("java.class.path"), "org.melforge.training.TrainCli", "run",
        "--preset", "auddsr-tiny", "--table", tables.speech(), "--output", tmp.resolve("run").toString(),
        "--epochs", "1", "train.batch-size=2", "sharing.mode=shared", "sharing.sync-interval=2",
        "sharing.port=40511"));
    Path log = tmp.resolve("train.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process train = pb.start();
    assertTrue(train.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the run finished");
    String out = Files.readString(log);
    assertEquals(TrainCli.OK, train.exitValue(), out);

    assertTrue(out.contains("INFO SharedTrainer: gradient sharing: controller 127.0.0.1:40511"), out);
    assertTrue(out.contains("INFO TrainJob: train[auddsr-tiny] epoch 1/1: train total"), out);
    assertEquals(List.of(), out.lines().filter(l -> WARNING.matcher(l).matches()).toList(),
        "warnings and errors of a healthy run, with " + LOG4J2);
  }
}
