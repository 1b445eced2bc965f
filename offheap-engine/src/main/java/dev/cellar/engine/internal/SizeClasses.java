package dev.cellar.engine.internal;

import java.util.Arrays;

/**
 * The chunk sizes of the slab allocator: sixteen classes per power of two (fewer below 256 bytes,
 * where the step is 16), multiples of 16 bytes, from {@link #MIN_CHUNK} up to a quarter of a page.
 * A record larger than the largest class gets memory of its own (see {@link SlabAllocator}).
 * Internal waste is under a sixteenth of a chunk: a 1 KiB value under a 21-byte key (a 1,085-byte
 * record) takes a 1,088-byte chunk, where eight classes per power of two gave it 1,152 and four
 * 1,280. More classes cost more partly filled pages only for sizes a bucket actually holds, and a
 * class without a page of its own borrows free chunks of up to twice its size: with values spread
 * from 100 B to 10 or 30 KB a full bucket held 2 to 5 points more of its budget in live records
 * with sixteen classes than with eight.
 */
public final class SizeClasses {
  /** The smallest chunk: a header and a short key. */
  public static final int MIN_CHUNK = 64;

  private static final int CLASSES_PER_POWER_OF_TWO = 16;

  private final int[] sizes;

  /** Classes for pages of {@code pageSize} bytes. */
  public SizeClasses(int pageSize) {
    int largest = pageSize / 4;
    int[] built = new int[CLASSES_PER_POWER_OF_TWO * 32];
    int count = 0;
    for (int base = MIN_CHUNK; base <= largest; base <<= 1) {
      int step = Math.max(16, base / CLASSES_PER_POWER_OF_TWO);
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
