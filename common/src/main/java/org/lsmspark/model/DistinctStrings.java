package org.lsmspark.model;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list of distinct strings whose {@link #indexOf} is a hash lookup: a model's terms
 * and vocabulary turns. The one home of the check that none repeats: the bundle makes them when it
 * reads a model and the tokenizer looks texts up in that same index.
 */
public final class DistinctStrings extends AbstractList<String> implements RandomAccess {
  private final String[] values;
  private final Map<String, Integer> index;

  private DistinctStrings(String[] values, Map<String, Integer> index) {
    this.values = values;
    this.index = index;
  }

  /**
   * {@code values} as distinct strings ({@code values} itself when it is one).
   *
   * @param what what a value is, for the message ("turn", "term")
   * @throws IllegalArgumentException naming the first value that repeats and its two lines (1-based)
   */
  public static DistinctStrings of(List<String> values, String what) {
    if (values instanceof DistinctStrings d) {
      return d;
    }
    String[] copy = values.toArray(new String[0]);
    Map<String, Integer> index = new HashMap<>(copy.length * 2);
    for (int i = 0; i < copy.length; i++) {
      Integer previous = index.putIfAbsent(Objects.requireNonNull(copy[i], what + " on line " + (i + 1)), i);
      if (previous != null) {
        throw new IllegalArgumentException(what + " \"" + new String(JsonStringEncoder.getInstance().quoteAsString(copy[i]))
            + "\" appears on lines " + (previous + 1) + " and " + (i + 1));
      }
    }
    return new DistinctStrings(copy, index);
  }

  @Override
  public String get(int i) {
    return values[i];
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public int indexOf(Object o) {
    Integer i = index.get(o);
    return i == null ? -1 : i;
  }

  @Override
  public int lastIndexOf(Object o) {
    return indexOf(o);
  }

  @Override
  public boolean contains(Object o) {
    return index.containsKey(o);
  }
}
