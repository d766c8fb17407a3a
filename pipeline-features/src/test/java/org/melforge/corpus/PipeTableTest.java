package org.melforge.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PipeTableTest {

  @Test
  void commentsAndBlankLinesHaveNoColumns() {
    assertEquals(List.of(), PipeTable.columns(";ID  |SEX| SUBSET           |MINUTES| NAME", 5));
    assertEquals(List.of(), PipeTable.columns("   ", 5));
  }

  @Test
  void columnsAreTrimmedAndTheLastKeepsPipes() {
    assertEquals(List.of("7021", "F", "dev-clean", "0.80", "Harriet Vane-Oakley"),
        PipeTable.columns("7021 | F | dev-clean        |  0.80 | Harriet Vane-Oakley", 5));
    assertEquals(List.of("60", "M", "train-clean-100", "20.18", "|CBW|Simon"),
        PipeTable.columns("60   | M | train-clean-100  | 20.18 | |CBW|Simon", 5));
  }
}
