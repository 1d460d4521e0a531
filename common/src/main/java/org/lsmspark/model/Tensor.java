package org.lsmspark.model;

import java.util.Arrays;

/** An immutable float32 tensor in C (row-major) order, the in-memory form of one {@code .npy} file. */
public final class Tensor {
  private final int[] shape;
  private final float[] data;

  private Tensor(float[] data, int[] shape) {
    this.shape = shape;
    this.data = data;
  }

  /** A tensor over a copy of {@code data}; the product of {@code shape} must equal its length. */
  public static Tensor of(float[] data, int... shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, got " + data.length);
    }
    return new Tensor(data.clone(), shape.clone());
  }

  /** Wraps without copying; the caller hands over ownership of {@code data}. */
  static Tensor wrap(float[] data, int... shape) {
    return new Tensor(data, shape);
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  public int[] shape() {
    return shape.clone();
  }

  public int size() {
    return data.length;
  }

  public float get(int flatIndex) {
    return data[flatIndex];
  }

  /** A copy of the values, C order. */
  public float[] toArray() {
    return data.clone();
  }

  /**
   * The values themselves, C order, not a copy: for readers of a large tensor (a full-size
   * model's vocabulary embeddings are 85 MB) that would otherwise hold it twice. Never write to it.
   */
  public float[] sharedArray() {
    return data;
  }

  /**
   * The rows of a row-major matrix of {@code width} columns, one array each: the layout Java 17's
   * JIT vectorizes a loop over (an offset into one shared array per operand it runs scalar).
   */
  public static float[][] rows(float[] rowMajor, int width) {
    if (width <= 0 || rowMajor.length % width != 0) {
      throw new IllegalArgumentException(rowMajor.length + " values are not rows of " + width);
    }
    float[][] rows = new float[rowMajor.length / width][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Arrays.copyOfRange(rowMajor, i * width, (i + 1) * width);
    }
    return rows;
  }

  /** Copies the values into {@code dest} at {@code offset}, avoiding an intermediate array. */
  public void copyTo(float[] dest, int offset) {
    System.arraycopy(data, 0, dest, offset, data.length);
  }

  public boolean hasShape(int... expected) {
    return Arrays.equals(shape, expected);
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + shapeString();
  }
}
