package org.lsmspark.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * NumPy {@code .npy} files holding little-endian float32 in C order, the only kind the format
 * allows. Reading is strict: anything else is refused with a message naming the file.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

  /** The most values one tensor can hold: the largest Java array. */
  private static final int MAX_VALUES = Integer.MAX_VALUE - 8;

  private Npy() {}

  /** Parses {@code bytes}, the whole content of the file {@code name}. */
  public static Tensor read(byte[] bytes, String name) {
    if (bytes.length < 10 || !startsWithMagic(bytes)) {
      throw new ModelFormatException(name, "not a .npy file (bad magic bytes)");
    }
    int major = bytes[6] & 0xff;
    if (bytes[7] != 0) {
      throw new ModelFormatException(name, "unsupported .npy version " + major + "." + (bytes[7] & 0xff));
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = buf.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new ModelFormatException(name, "truncated .npy header");
      }
      headerLen = buf.getInt(8) & 0xffffffffL;
      headerStart = 12;
    } else {
      throw new ModelFormatException(name, "unsupported .npy version " + major);
    }
    if (headerStart + headerLen > bytes.length) {
      throw new ModelFormatException(name, "truncated .npy header");
    }
    String header = new String(bytes, headerStart, (int) headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Map<String, String> dict = parseHeader(header, name);
    String descr = group(dict, "descr", header, name);
    if (!descr.startsWith("'") || !descr.endsWith("'") || descr.length() < 2) {
      throw new ModelFormatException(name, ".npy header has no readable 'descr': " + header.trim());
    }
    descr = descr.substring(1, descr.length() - 1);
    if (!descr.equals("<f4")) {
      throw new ModelFormatException(name, "dtype " + descr + " is not little-endian float32 (<f4)");
    }
    String fortran = group(dict, "fortran_order", header, name);
    if (!fortran.equals("True") && !fortran.equals("False")) {
      throw new ModelFormatException(name, ".npy header has no readable 'fortran_order': " + header.trim());
    }
    if (fortran.equals("True")) {
      throw new ModelFormatException(name, "is in Fortran order, expected C order");
    }
    int[] shape = parseShape(group(dict, "shape", header, name), name);
    long count = 1;
    for (int d : shape) {
      count = Math.min(count * d, MAX_VALUES + 1L); // saturates: never overflows, whatever the header declares
    }
    if (count > MAX_VALUES) {
      throw new ModelFormatException(name, "shape " + java.util.Arrays.toString(shape)
          + " declares more values than a tensor can hold (" + MAX_VALUES + ")");
    }
    int dataStart = headerStart + (int) headerLen;
    long expectedBytes = count * Float.BYTES;
    long actualBytes = bytes.length - (long) dataStart;
    if (actualBytes < expectedBytes) {
      throw new ModelFormatException(name, "truncated: shape " + java.util.Arrays.toString(shape)
          + " needs " + expectedBytes + " data bytes, found " + actualBytes);
    }
    if (actualBytes > expectedBytes) {
      throw new ModelFormatException(name, "oversized: shape " + java.util.Arrays.toString(shape)
          + " needs " + expectedBytes + " data bytes, found " + actualBytes);
    }
    float[] data = new float[(int) count];
    buf.position(dataStart);
    buf.asFloatBuffer().get(data);
    return Tensor.wrap(data, shape);
  }

  /** The bytes of a version 1.0 {@code .npy} file, exactly as numpy writes them. */
  public static byte[] write(Tensor tensor) {
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < tensor.rank(); i++) {
      shape.append(tensor.dim(i)).append(tensor.rank() == 1 ? "," : (i + 1 < tensor.rank() ? ", " : ""));
    }
    shape.append(')');
    StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ")
        .append(shape).append(", }");
    int total = MAGIC.length + 4 + header.length() + 1;
    header.append(" ".repeat((64 - total % 64) % 64)).append('\n');
    byte[] head = header.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + head.length + tensor.size() * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) head.length).put(head);
    out.asFloatBuffer().put(tensor.sharedArray());
    return out.array();
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static String group(Map<String, String> dict, String key, String header, String name) {
    String v = dict.get(key);
    if (v == null) {
      throw new ModelFormatException(name, ".npy header has no readable '" + key + "': " + header.trim());
    }
    return v;
  }

  /**
   * The header as numpy writes and reads it: a Python dict literal with exactly the keys
   * 'descr' (a string), 'fortran_order' (True or False) and 'shape' (a tuple), followed only by
   * whitespace. Values are returned as written; anything else is refused.
   */
  private static Map<String, String> parseHeader(String header, String name) {
    Map<String, String> dict = new HashMap<>();
    String h = header.replaceAll("^[ \t\r\n\f]+|[ \t\r\n\f]+$", "");
    int i = 0;
    int n = h.length();
    boolean ok = n >= 2 && h.charAt(0) == '{' && h.charAt(n - 1) == '}';
    i = 1;
    while (ok) {
      i = skipSpace(h, i);
      if (i == n - 1) {
        break;
      }
      int keyEnd = h.charAt(i) == '\'' ? h.indexOf('\'', i + 1) : -1;
      if (keyEnd < 0) {
        ok = false;
        break;
      }
      String key = h.substring(i + 1, keyEnd);
      i = skipSpace(h, keyEnd + 1);
      if (i >= n - 1 || h.charAt(i) != ':') {
        ok = false;
        break;
      }
      i = skipSpace(h, i + 1);
      int end;
      char c = i < n - 1 ? h.charAt(i) : '}';
      if (c == '\'') {
        end = h.indexOf('\'', i + 1) + 1;
      } else if (c == '(') {
        end = h.indexOf(')', i) + 1;
      } else {
        end = i;
        while (end < n - 1 && Character.isLetter(h.charAt(end))) {
          end++;
        }
      }
      if (end <= i || end > n - 1 || !KEYS.contains(key) || dict.put(key, h.substring(i, end)) != null) {
        ok = false;
        break;
      }
      i = skipSpace(h, end);
      if (i < n - 1 && h.charAt(i) == ',') {
        i++;
      } else if (i != n - 1) {
        ok = false;
      }
    }
    if (!ok || dict.size() != KEYS.size()) {
      throw new ModelFormatException(name, ".npy header is not a dict of 'descr', 'fortran_order' and 'shape': "
          + header.trim());
    }
    return dict;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && " \t\r\n\f".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  private static int[] parseShape(String tuple, String name) {
    if (!tuple.startsWith("(") || !tuple.endsWith(")")) {
      throw new ModelFormatException(name, "bad .npy shape " + tuple);
    }
    String text = tuple.substring(1, tuple.length() - 1);
    String[] parts = text.split(",", -1);
    if (parts.length == 1 && !parts[0].isBlank()) {
      throw new ModelFormatException(name, "bad .npy shape " + tuple + " (a 1-tuple needs a trailing comma)");
    }
    List<Integer> dims = new ArrayList<>();
    for (int k = 0; k < parts.length; k++) {
      String p = parts[k].strip();
      if (p.isEmpty() && (k == parts.length - 1) && (k > 0 || parts.length == 1)) {
        continue; // the trailing comma, or the empty tuple
      }
      if (!p.matches("[0-9]{1,10}")) {
        throw new ModelFormatException(name, "bad dimension '" + p + "' in .npy shape " + tuple);
      }
      long d = Long.parseLong(p);
      if (d > Integer.MAX_VALUE) {
        throw new ModelFormatException(name, "dimension " + p + " in .npy shape " + tuple + " is too large");
      }
      dims.add((int) d);
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }
}
