package org.melforge.corpus;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.melforge.tensorstore.Reason;

/** A catalog row being assembled; fields are set by the layout readers, {@link #toRow()} orders them. */
final class CatalogItem implements Serializable {

  private static final long serialVersionUID = 1L;

  String sourceId;
  String dataset;
  String split;
  String sourcePath;
  Integer pitch;
  Integer velocity;
  String instrument;
  String instrumentFamily;
  String instrumentSource;
  int[] qualities;
  Integer speaker;
  Integer chapter;
  Integer utterance;
  String transcript;
  String speakerSex;
  String errorReason;
  String errorMessage;

  static CatalogItem of(String dataset, String sourceId, String split, String sourcePath) {
    CatalogItem item = new CatalogItem();
    item.dataset = dataset;
    item.sourceId = sourceId;
    item.split = split;
    item.sourcePath = sourcePath;
    return item;
  }

  CatalogItem fail(Reason reason, String message) {
    errorReason = reason.code();
    errorMessage = message;
    return this;
  }

  /** The values in {@link Catalog#SCHEMA} order. */
  Row toRow() {
    return RowFactory.create(sourceId, dataset, split, sourcePath,
        pitch, velocity, instrument, instrumentFamily, instrumentSource, qualities,
        speaker, chapter, utterance, transcript, speakerSex,
        errorReason, errorMessage);
  }
}
