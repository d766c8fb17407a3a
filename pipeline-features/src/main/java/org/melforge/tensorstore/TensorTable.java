package org.melforge.tensorstore;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The tensor table: the one contract every later stage reads. One Parquet table per mel profile,
 * partitioned by {@code dataset} and {@code split}, one row per tensor window. Corpus metadata columns
 * are nullable: NSynth rows fill the NSynth columns, LibriSpeech rows the speech columns.
 */
public final class TensorTable {

  /** Version of this contract, recorded by readers (e.g. in checkpoints); bumped on any incompatible change. */
  public static final int VERSION = 1;

  public static final String ID = "id";
  public static final String DATASET = "dataset";
  public static final String SPLIT = "split";
  public static final String SOURCE_PATH = "source_path";
  public static final String WINDOW = "window";
  public static final String START_SECONDS = "start_seconds";
  public static final String N_MELS = "n_mels";
  public static final String N_FRAMES = "n_frames";
  public static final String VALID_FRAMES = "valid_frames";
  public static final String DURATION_SECONDS = "duration_seconds";
  public static final String TENSOR = "tensor";
  public static final String PITCH = "pitch";
  public static final String VELOCITY = "velocity";
  public static final String INSTRUMENT = "instrument";
  public static final String INSTRUMENT_FAMILY = "instrument_family";
  public static final String INSTRUMENT_SOURCE = "instrument_source";
  public static final String QUALITIES = "qualities";
  public static final String SPEAKER = "speaker";
  public static final String CHAPTER = "chapter";
  public static final String UTTERANCE = "utterance";
  public static final String TRANSCRIPT = "transcript";
  public static final String SPEAKER_SEX = "speaker_sex";

  /** Partition columns, in directory order. */
  public static final List<String> PARTITION_COLUMNS = List.of(DATASET, SPLIT);

  /** Corpus metadata columns shared with the catalog. */
  public static final StructType METADATA = new StructType(new StructField[] {
      field(PITCH, DataTypes.IntegerType, true, "MIDI pitch (NSynth)"),
      field(VELOCITY, DataTypes.IntegerType, true, "MIDI velocity (NSynth)"),
      field(INSTRUMENT, DataTypes.StringType, true, "instrument_str (NSynth)"),
      field(INSTRUMENT_FAMILY, DataTypes.StringType, true, "instrument_family_str (NSynth)"),
      field(INSTRUMENT_SOURCE, DataTypes.StringType, true, "instrument_source_str (NSynth)"),
      field(QUALITIES, DataTypes.createArrayType(DataTypes.IntegerType, false), true,
          "10 quality flags in NSynth order (NSynth)"),
      field(SPEAKER, DataTypes.IntegerType, true, "speaker id (LibriSpeech)"),
      field(CHAPTER, DataTypes.IntegerType, true, "chapter id (LibriSpeech)"),
      field(UTTERANCE, DataTypes.IntegerType, true, "utterance number (LibriSpeech)"),
      field(TRANSCRIPT, DataTypes.StringType, true, "upper-case transcript (LibriSpeech)"),
      field(SPEAKER_SEX, DataTypes.StringType, true, "F or M from SPEAKERS.TXT (LibriSpeech)"),
  });

  /** Full row schema, partition columns included. */
  public static final StructType SCHEMA = concat(new StructType(new StructField[] {
      field(ID, DataTypes.StringType, false, "stable id: source id + '.w' + 4-digit window index"),
      field(DATASET, DataTypes.StringType, false, "dataset name (partition column)"),
      field(SPLIT, DataTypes.StringType, false, "train, valid or test (partition column)"),
      field(SOURCE_PATH, DataTypes.StringType, false, "Hadoop URI of the source audio file"),
      field(WINDOW, DataTypes.IntegerType, false, "window index within the source, from 0"),
      field(START_SECONDS, DataTypes.DoubleType, false, "window start in the source audio"),
      field(N_MELS, DataTypes.IntegerType, false, "mel bins (tensor rows)"),
      field(N_FRAMES, DataTypes.IntegerType, false, "frames T (tensor columns)"),
      field(VALID_FRAMES, DataTypes.IntegerType, false, "frames computed from audio; the rest is -80 dB padding"),
      field(DURATION_SECONDS, DataTypes.DoubleType, false, "duration of the whole source audio"),
      field(TENSOR, DataTypes.BinaryType, false,
          "float32 little-endian, mel-major row-major (n_mels, T), dB/40 + 1 in [-1, 1]"),
  }), METADATA);

  private TensorTable() {}

  /**
   * Checks that {@code actual} has every column of the contract with the right type; the message
   * lists each missing or mistyped column.
   */
  public static void requireSchema(StructType actual, String what) {
    List<String> problems = new java.util.ArrayList<>();
    for (StructField expected : SCHEMA.fields()) {
      if (!Arrays.asList(actual.fieldNames()).contains(expected.name())) {
        problems.add("missing column '" + expected.name() + "'");
        continue;
      }
      DataType type = actual.apply(expected.name()).dataType();
      if (!DataType.equalsIgnoreNullability(type, expected.dataType())) {
        problems.add("column '" + expected.name() + "' is " + type.simpleString() + ", expected "
            + expected.dataType().simpleString());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(what + " is not a MelForge tensor table: " + String.join("; ", problems));
    }
  }

  static StructField field(String name, DataType type, boolean nullable, String comment) {
    return new StructField(name, type, nullable, Metadata.empty()).withComment(comment);
  }

  static StructType concat(StructType a, StructType b) {
    StructType out = a;
    for (StructField f : b.fields()) {
      out = out.add(f);
    }
    return out;
  }
}
