package org.lsmspark.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lsmspark.model.Tensor;

/** Reads little-endian C-order {@code .npy} files ({@code <f4} or {@code <f8}) from the test classpath. */
final class Npy {
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  /** The array's shape and values widened to double. */
  record Array(int[] shape, double[] values) {
    Tensor toTensor() {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      return Tensor.of(f, shape);
    }
  }

  private Npy() {}

  static Array read(String resource) throws IOException {
    byte[] bytes;
    try (InputStream in = Npy.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + ": not on the test classpath");
      }
      bytes = in.readAllBytes();
    }
    if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !"NUMPY".equals(new String(bytes, 1, 5, StandardCharsets.US_ASCII))) {
      throw new IOException(resource + ": not a .npy file");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6];
    int headerLen;
    int dataStart;
    if (major == 1) {
      headerLen = buf.getShort(8) & 0xffff;
      dataStart = 10 + headerLen;
    } else {
      headerLen = buf.getInt(8);
      dataStart = 12 + headerLen;
    }
    String header = new String(bytes, dataStart - headerLen, headerLen, StandardCharsets.ISO_8859_1);
    if (!header.contains("'fortran_order': False")) {
      throw new IOException(resource + ": Fortran order is not supported");
    }
    Matcher d = DESCR.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !s.find()) {
      throw new IOException(resource + ": malformed header " + header);
    }
    int[] shape = Arrays.stream(s.group(1).split(","))
        .map(String::strip).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    double[] values = new double[n];
    buf.position(dataStart);
    switch (d.group(1)) {
      case "<f4" -> { for (int i = 0; i < n; i++) values[i] = buf.getFloat(); }
      case "<f8" -> { for (int i = 0; i < n; i++) values[i] = buf.getDouble(); }
      default -> throw new IOException(resource + ": dtype " + d.group(1) + " is not supported");
    }
    return new Array(shape, values);
  }
}
