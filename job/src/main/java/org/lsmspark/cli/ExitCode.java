package org.lsmspark.cli;

/**
 * The exit codes of every command, for schedulers: rerun on {@link #FAILURE}, fix the
 * invocation or the input on {@link #USAGE}, inspect the rows on {@link #ROWS_IN_ERROR}.
 */
public final class ExitCode {
  /** Everything was scored (or done). */
  public static final int OK = 0;
  /** The run completed, but some rows or lines could not be scored; they are in the output as errors. */
  public static final int ROWS_IN_ERROR = 1;
  /** A bad option, a bad model or an input that cannot be read as a corpus; rerunning will not help. */
  public static final int USAGE = 2;
  /** The run failed (I/O, a lost cluster, a conflicting commit, a bug); nothing partial was committed. */
  public static final int FAILURE = 3;

  private ExitCode() {}
}
