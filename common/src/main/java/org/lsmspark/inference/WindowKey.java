package org.lsmspark.inference;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The prediction cache's key: SHA-256 over the model's id and fingerprint and the window's texts
 * (each length-prefixed, so turn boundaries count), plus the number of candidates asked for.
 */
record WindowKey(long h0, long h1, long h2, long h3, int k) {
  /** Per-JVM digests primed with the model's identity; cloned for each window. */
  static final class Hasher {
    /** Never updated after construction, so concurrent clones only read it. */
    private final MessageDigest primed;

    Hasher(String modelId, String fingerprint) {
      try {
        primed = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      update(primed, modelId);
      update(primed, fingerprint);
    }

    WindowKey key(List<String> window, int k) {
      try {
        MessageDigest d = (MessageDigest) primed.clone();
        d.update((byte) window.size());
        for (String turn : window) {
          update(d, turn);
        }
        ByteBuffer h = ByteBuffer.wrap(d.digest());
        return new WindowKey(h.getLong(), h.getLong(), h.getLong(), h.getLong(), k);
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException(e);
      }
    }

    private static void update(MessageDigest d, String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      d.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
      d.update(b);
    }
  }
}
