package dev.cellar.engine.internal;

/**
 * A segment's CLOCK frequencies: one two-bit saturating counter (0 to {@link #MAX}) per index slot,
 * four to a byte, on the heap. The counter follows its key when the index moves it (backward-shift
 * deletion, resize).
 *
 * <p>Why not a byte in the record header: an optimistic reader bumps the count with no lock held,
 * after its stamp validated, and by then a writer may have freed the record's page and reused it
 * for chunks of another size class or an index table (pages are pooled). A byte written there would
 * land inside another key's value. A stale bump into this array (or one already replaced) lands on
 * a counter at worst, and a slot number from an older, larger table is dropped.
 *
 * <p>Why per slot and not per key hash: under CLOCK a key that shares a counter with a hot key
 * never reaches zero, so it is never evicted, and each pass of the hand over it takes a count from
 * the hot key; such keys pile up until they drain the hot key's count faster than reads refill it.
 *
 * <p>Bumps are racy on purpose (a lost increment only blurs the estimate); every other change
 * happens under the segment's write lock.
 */
final class AccessCounts {
  /** The count saturates here; the CLOCK hand takes one off per pass. */
  static final int MAX = 3;

  private final byte[] packed;
  private final int slots;

  /** One counter for each of {@code slots} slots, a multiple of 4 of at least 4; all zero. */
  AccessCounts(int slots) {
    if (slots < 4 || slots % 4 != 0) {
      throw new IllegalArgumentException("slots must be a multiple of 4, at least 4: " + slots);
    }
    this.packed = new byte[slots / 4];
    this.slots = slots;
  }

  /** How many counters there are. */
  int slots() {
    return slots;
  }

  /** The count of {@code slot}, 0 to {@link #MAX}. */
  int get(int slot) {
    return (packed[slot >>> 2] >>> shift(slot)) & MAX;
  }

  /**
   * Adds one to the count of {@code slot} unless it is at {@link #MAX}. A slot outside the array,
   * from a reader that found it in a larger table a resize has since replaced, is ignored.
   */
  void increment(int slot) {
    if (slot < 0 || slot >= slots) {
      return;
    }
    int shift = shift(slot);
    int cell = packed[slot >>> 2];
    if (((cell >>> shift) & MAX) != MAX) {
      packed[slot >>> 2] = (byte) (cell + (1 << shift));
    }
  }

  /** Takes one off the count of {@code slot} unless it is 0. */
  void decrement(int slot) {
    int shift = shift(slot);
    int cell = packed[slot >>> 2];
    if (((cell >>> shift) & MAX) != 0) {
      packed[slot >>> 2] = (byte) (cell - (1 << shift));
    }
  }

  /** Sets the count of {@code slot} to {@code count}, 0 to {@link #MAX}. */
  void set(int slot, int count) {
    int shift = shift(slot);
    int cell = packed[slot >>> 2] & ~(MAX << shift);
    packed[slot >>> 2] = (byte) (cell | (Math.min(count, MAX) << shift));
  }

  private static int shift(int slot) {
    return (slot & 3) << 1;
  }
}
