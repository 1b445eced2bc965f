package dev.cellar.engine.internal;

import java.util.Arrays;

/**
 * The chunk sizes of the slab allocator: four classes per power of two, multiples of 16 bytes, from
 * {@link #MIN_CHUNK} up to a quarter of a page. A record larger than the largest class gets a
 * buffer of its own. Internal waste is at most a quarter of a chunk.
 */
public final class SizeClasses {
  /** The smallest chunk: a header and a short key. */
  public static final int MIN_CHUNK = 64;

  private final int[] sizes;

  /** Classes for pages of {@code pageSize} bytes. */
  public SizeClasses(int pageSize) {
    int largest = pageSize / 4;
    int[] built = new int[64];
    int count = 0;
    for (int base = MIN_CHUNK; base <= largest; base <<= 1) {
      int step = Math.max(16, base / 4);
      for (int size = base; size < base * 2 && size <= largest; size += step) {
        built[count++] = size;
      }
    }
    sizes = Arrays.copyOf(built, count);
  }

  /** How many classes there are. */
  public int count() {
    return sizes.length;
  }

  /** The chunk size of class {@code sizeClass}. */
  public int size(int sizeClass) {
    return sizes[sizeClass];
  }

  /** The largest record a class holds. */
  public int largest() {
    return sizes[sizes.length - 1];
  }

  /** The class of the smallest chunk that holds {@code length} bytes, or -1 if none does. */
  public int classOf(long length) {
    if (length > largest()) {
      return -1;
    }
    int index = Arrays.binarySearch(sizes, (int) length);
    return index >= 0 ? index : -index - 1;
  }
}
