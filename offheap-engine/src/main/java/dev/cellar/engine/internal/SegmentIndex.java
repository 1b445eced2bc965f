package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.IndexDescriptor.EXPIRY_HINT_OFFSET;
import static dev.cellar.engine.internal.IndexDescriptor.HASH_OFFSET;
import static dev.cellar.engine.internal.IndexDescriptor.REF_OFFSET;
import static dev.cellar.engine.internal.IndexDescriptor.SLOT_LENGTH;

import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Slot arithmetic over one index table (see {@link IndexDescriptor}): linear probing and
 * backward-shift deletion. Stateless; the segment owns the table and its lock. Every probe is
 * bounded by the table's capacity so that a reader racing a writer can never loop forever.
 *
 * <p>Capacities run 256, 384, 512, 768, 1,024, ...: a power of two or one and a half times one
 * ({@link #grown}, {@link #shrunk}), so that a table grows by half, not double. Doubling left a
 * table that had just grown 37.5 % full, and a full segment paid for the empty half with evicted
 * values: a budget a few per cent larger could hold 15 % fewer entries. The home slot is therefore
 * a multiply-shift of the remixed hash ({@link #home}), not its low bits under a mask; the remix
 * keeps the bits that chose the segment from choosing the slot.
 */
public final class SegmentIndex {
  private SegmentIndex() {}

  /** Slots in {@code table}. */
  public static int capacity(UnsafeBuffer table) {
    return table.capacity() / SLOT_LENGTH;
  }

  /** The hash stored in {@code slot}. */
  public static int hash(UnsafeBuffer table, int slot) {
    return table.getInt(slot * SLOT_LENGTH + HASH_OFFSET);
  }

  /** The record reference stored in {@code slot}; 0 when empty. */
  public static long ref(UnsafeBuffer table, int slot) {
    return table.getLong(slot * SLOT_LENGTH + REF_OFFSET);
  }

  /** The expiry hint stored in {@code slot}. */
  public static int expiryHint(UnsafeBuffer table, int slot) {
    return table.getInt(slot * SLOT_LENGTH + EXPIRY_HINT_OFFSET);
  }

  /** Fills {@code slot}. */
  public static void set(UnsafeBuffer table, int slot, int hash, int expiryHint, long ref) {
    int offset = slot * SLOT_LENGTH;
    table.putInt(offset + HASH_OFFSET, hash);
    table.putInt(offset + EXPIRY_HINT_OFFSET, expiryHint);
    table.putLong(offset + REF_OFFSET, ref);
  }

  /** Points an occupied {@code slot} at another record of the same key. */
  public static void update(UnsafeBuffer table, int slot, int expiryHint, long ref) {
    int offset = slot * SLOT_LENGTH;
    table.putInt(offset + EXPIRY_HINT_OFFSET, expiryHint);
    table.putLong(offset + REF_OFFSET, ref);
  }

  /** The first slot of the probe sequence of {@code hash} in a table of {@code capacity} slots. */
  public static int home(int hash, int capacity) {
    return (int) ((((hash * 0x9E3779B9) & 0xFFFF_FFFFL) * capacity) >>> 32);
  }

  /** The slot after {@code slot}, wrapping at {@code capacity}. */
  public static int next(int slot, int capacity) {
    int next = slot + 1;
    return next == capacity ? 0 : next;
  }

  /** The capacity after {@code capacity} when a table grows: half as large again. */
  public static int grown(int capacity) {
    return Integer.bitCount(capacity) == 1 ? capacity + capacity / 2 : capacity / 3 * 4;
  }

  /** The capacity before {@code capacity}, the inverse of {@link #grown}. */
  public static int shrunk(int capacity) {
    return Integer.bitCount(capacity) == 1 ? capacity / 4 * 3 : capacity / 3 * 2;
  }

  /** The slot that holds {@code ref} (probing from {@code hash}), or -1. */
  public static int slotOfRef(UnsafeBuffer table, int hash, long ref) {
    int capacity = capacity(table);
    int slot = home(hash, capacity);
    for (int probes = 0; probes < capacity; probes++) {
      long current = ref(table, slot);
      if (current == RecordRefs.NONE) {
        return -1;
      }
      if (current == ref) {
        return slot;
      }
      slot = next(slot, capacity);
    }
    return -1;
  }

  /** The first empty slot on the probe sequence of {@code hash}, or -1 if the table is full. */
  public static int emptySlot(UnsafeBuffer table, int hash) {
    int capacity = capacity(table);
    int slot = home(hash, capacity);
    for (int probes = 0; probes < capacity; probes++) {
      if (ref(table, slot) == RecordRefs.NONE) {
        return slot;
      }
      slot = next(slot, capacity);
    }
    return -1;
  }

  /** Empties {@code slot} and shifts later members of its run back so lookups stay correct. */
  public static void remove(UnsafeBuffer table, int slot) {
    remove(table, slot, null);
  }

  /** Like {@link #remove(UnsafeBuffer, int)}, moving each shifted member's count with it. */
  static void remove(UnsafeBuffer table, int slot, @Nullable AccessCounts counts) {
    int capacity = capacity(table);
    int hole = slot;
    int next = next(hole, capacity);
    while (true) {
      long ref = ref(table, next);
      if (ref == RecordRefs.NONE) {
        break;
      }
      int hash = hash(table, next);
      int home = home(hash, capacity);
      // The entry at `next` may fill the hole only if its home is not cyclically in (hole, next].
      boolean homeBetween =
          hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
      if (!homeBetween) {
        set(table, hole, hash, expiryHint(table, next), ref);
        if (counts != null) {
          counts.set(hole, counts.get(next));
        }
        hole = next;
      }
      next = next(next, capacity);
    }
    set(table, hole, 0, 0, RecordRefs.NONE);
    if (counts != null) {
      counts.set(hole, 0);
    }
  }
}
