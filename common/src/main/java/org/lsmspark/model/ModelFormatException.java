package org.lsmspark.model;

/** A model directory that breaks the format: the message names the file and what is wrong. */
public class ModelFormatException extends RuntimeException {
  private final String file;

  public ModelFormatException(String file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  public ModelFormatException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The offending file, as a path or a path relative to the model directory. */
  public String file() {
    return file;
  }
}
