package org.lsmspark.model;

/** A model directory that breaks the format: the message names the file and what is wrong. */
public class ModelFormatException extends RuntimeException {
  private final String file;
  private final String problem;

  public ModelFormatException(String file, String problem) {
    this(file, problem, null);
  }

  public ModelFormatException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
    this.problem = problem;
  }

  /** The same problem, reported against {@code file} (e.g. a full path instead of a relative one). */
  public ModelFormatException withFile(String file) {
    return new ModelFormatException(file, problem, getCause());
  }

  /** What is wrong, without the file name. */
  public String problem() {
    return problem;
  }

  /** The offending file, as a path or a path relative to the model directory. */
  public String file() {
    return file;
  }
}
