package org.lsmspark.spark;

/** Input whose schema or layout cannot be scored: the message names the column and the type found. */
public class SchemaException extends IllegalArgumentException {
  public SchemaException(String message) {
    super(message);
  }
}
