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

  /** The first slot of the probe sequence of {@code hash}. */
  public static int home(UnsafeBuffer table, int hash) {
    return hash & (capacity(table) - 1);
  }

  /** The slot that holds {@code ref} (probing from {@code hash}), or -1. */
  public static int slotOfRef(UnsafeBuffer table, int hash, long ref) {
    int capacity = capacity(table);
    int mask = capacity - 1;
    int slot = hash & mask;
    for (int probes = 0; probes < capacity; probes++) {
      long current = ref(table, slot);
      if (current == RecordRefs.NONE) {
        return -1;
      }
      if (current == ref) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /** The first empty slot on the probe sequence of {@code hash}, or -1 if the table is full. */
  public static int emptySlot(UnsafeBuffer table, int hash) {
    int capacity = capacity(table);
    int mask = capacity - 1;
    int slot = hash & mask;
    for (int probes = 0; probes < capacity; probes++) {
      if (ref(table, slot) == RecordRefs.NONE) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /** Empties {@code slot} and shifts later members of its run back so lookups stay correct. */
  public static void remove(UnsafeBuffer table, int slot) {
    remove(table, slot, null);
  }

  /** Like {@link #remove(UnsafeBuffer, int)}, moving each shifted member's count with it. */
  static void remove(UnsafeBuffer table, int slot, @Nullable AccessCounts counts) {
    int mask = capacity(table) - 1;
    int hole = slot;
    int next = (hole + 1) & mask;
    while (true) {
      long ref = ref(table, next);
      if (ref == RecordRefs.NONE) {
        break;
      }
      int hash = hash(table, next);
      int home = hash & mask;
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
      next = (next + 1) & mask;
    }
    set(table, hole, 0, 0, RecordRefs.NONE);
    if (counts != null) {
      counts.set(hole, 0);
    }
  }
}
