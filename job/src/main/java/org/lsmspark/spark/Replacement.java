package org.lsmspark.spark;

import java.time.LocalDate;
import java.util.List;

/**
 * What one commit to a prediction table replaces, and how the commit is tagged: every row of
 * one {@code run_date} (a batch run), or every row of some conversations (an incremental
 * batch, whose conversations may have been scored before under any date). {@code tag} marks
 * the commit in the table's history; {@code txnAppId}/{@code txnVersion} make a Delta commit
 * idempotent (null/-1: not idempotent).
 */
record Replacement(LocalDate runDate, List<String> conversations, String tag, String txnAppId, long txnVersion) {
  Replacement {
    if (runDate == null) {
      throw new IllegalArgumentException("a replacement needs the run date");
    }
    conversations = conversations == null ? null : List.copyOf(conversations);
    if (conversations != null && conversations.isEmpty()) {
      throw new IllegalArgumentException("a replacement of conversations needs at least one conversation");
    }
  }

  static Replacement ofDate(LocalDate runDate, String runId) {
    return new Replacement(runDate, null, runId, null, -1);
  }

  static Replacement ofConversations(LocalDate runDate, List<String> conversations, String tag, String txnAppId,
      long txnVersion) {
    return new Replacement(runDate, conversations, tag, txnAppId, txnVersion);
  }

  boolean wholeDate() {
    return conversations == null;
  }

  /** The rows replaced, as a Spark SQL predicate over the table's columns. */
  String predicate() {
    if (wholeDate()) {
      return "run_date = DATE'" + runDate + "'";
    }
    StringBuilder sb = new StringBuilder("conversation_id IN (");
    for (int i = 0; i < conversations.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(literal(conversations.get(i)));
    }
    return sb.append(')').toString();
  }

  /** A Spark SQL string literal: backslashes and quotes escaped, so any id stays one literal. */
  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
