package org.lsmspark.spark;

/**
 * A commit refused because another run committed to the same rows first (Delta's optimistic
 * concurrency, Iceberg's serializable validation). Nothing of this run was committed; the
 * message is one line, for the console, and rerunning is the remedy.
 */
public final class TableConflictException extends RuntimeException {
  TableConflictException(String format, String table, Replacement r, Throwable cause) {
    super("conflicting commit: another run committed to " + format + " table " + table + " while this run wrote "
        + (r.wholeDate() ? "run_date " + r.runDate() : r.conversations().size() + " conversations")
        + "; nothing of this run was committed, rerun it (" + cause.getClass().getSimpleName() + ": "
        + firstLine(cause.getMessage()) + ")", cause);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
