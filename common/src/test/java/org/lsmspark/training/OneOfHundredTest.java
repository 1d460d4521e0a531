package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OneOfHundredTest {
  @Test
  void tiesCountAgainstTheGold() {
    assertEquals(1, OneOfHundred.rank(new double[] {0.5, 0.4, 0.4999999}));
    assertEquals(2, OneOfHundred.rank(new double[] {0.5, 0.5, 0.2}), "an equal distractor ranks before the gold");
    assertEquals(4, OneOfHundred.rank(new double[] {0.5, 0.7, 0.5, 0.2, 0.5}));
    assertEquals(100, OneOfHundred.rank(new double[100]), "all zero: the gold is last");
  }
}
