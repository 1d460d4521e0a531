package org.lsmspark.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files holding little-endian float32 in C order, the only kind the format
 * allows. Reading is strict: anything else is refused with a message naming the file.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Parses {@code bytes}, the whole content of the file {@code name}. */
  public static Tensor read(byte[] bytes, String name) {
    if (bytes.length < 10 || !startsWithMagic(bytes)) {
      throw new ModelFormatException(name, "not a .npy file (bad magic bytes)");
    }
    int major = bytes[6] & 0xff;
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
    String descr = group(DESCR, header, name, "descr");
    if (!descr.equals("<f4")) {
      throw new ModelFormatException(name, "dtype " + descr + " is not little-endian float32 (<f4)");
    }
    if (group(FORTRAN, header, name, "fortran_order").equals("True")) {
      throw new ModelFormatException(name, "is in Fortran order, expected C order");
    }
    int[] shape = parseShape(group(SHAPE, header, name, "shape"), name);
    long count = 1;
    for (int d : shape) {
      count *= d;
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
    if (count > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(name, "tensor of " + count + " values is too large");
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
    float[] values = tensor.toArray();
    out.asFloatBuffer().put(values);
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

  private static String group(Pattern p, String header, String name, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new ModelFormatException(name, ".npy header has no readable '" + key + "': " + header.trim());
    }
    return m.group(1);
  }

  private static int[] parseShape(String text, String name) {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        int d = Integer.parseInt(p);
        if (d < 0) {
          throw new NumberFormatException();
        }
        dims.add(d);
      } catch (NumberFormatException e) {
        throw new ModelFormatException(name, "bad dimension '" + p + "' in .npy shape (" + text + ")");
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }
}
