package org.lsmspark.spark;

import java.util.regex.Pattern;

/** Masks credentials in paths and messages before they reach logs or manifests. */
public final class Redaction {
  /** {@code scheme://user:secret@host} or {@code scheme://secret@host}: the user-info part. */
  private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");
  /** Signed-URL and key-like query parameters. */
  private static final Pattern SECRET_PARAM = Pattern.compile(
      "(?i)([?&;](?:[a-z0-9_.-]*(?:secret|token|signature|password|passwd|credential|key)[a-z0-9_.-]*)=)[^&;\\s]+");
  /** {@code fs.s3a.secret.key=...}-style settings inside messages. */
  private static final Pattern SECRET_SETTING = Pattern.compile(
      "(?i)((?:[a-z0-9_.-]*)(?:secret|token|password|credential|access\\.key|session\\.key)[a-z0-9_.-]*\\s*[=:]\\s*)[^\\s,;&]+");

  private Redaction() {}

  /** The path with any credentials replaced by {@code ***}. */
  public static String path(String path) {
    if (path == null) {
      return null;
    }
    String p = USER_INFO.matcher(path).replaceAll("$1***@");
    return SECRET_PARAM.matcher(p).replaceAll("$1***");
  }

  /** A free text (an error message) with credentials in paths or settings masked. */
  public static String text(String text) {
    if (text == null) {
      return null;
    }
    return SECRET_SETTING.matcher(path(text)).replaceAll("$1***");
  }
}
