package org.lsmspark.inference;

import org.lsmspark.tokenizer.DecodeMode;

/**
 * How an engine decodes and, for approximate decoding, how its sampled check against the exact
 * decode came out: {@code checked} embeddings, {@code top1Agreed} of them with the same best
 * turn, {@code top5Found} of the exact top-5 turns found in the approximate top 5
 * ({@code top5Expected} in all).
 */
public record DecodeStats(DecodeMode mode, double checkRate, long checked, long top1Agreed, long top5Found,
    long top5Expected) {

  /** recall@1 against exact over the checked sample; NaN before anything was checked. */
  public double recallAt1() {
    return checked == 0 ? Double.NaN : top1Agreed / (double) checked;
  }

  /** recall@5 against exact over the checked sample; NaN before anything was checked. */
  public double recallAt5() {
    return top5Expected == 0 ? Double.NaN : top5Found / (double) top5Expected;
  }
}
