package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class AccessCountsTest {
  @Test
  void countsSaturateAtMaxAndStopAtZero() {
    AccessCounts counts = new AccessCounts(64);
    for (int i = 0; i < 10; i++) {
      counts.increment(42);
    }
    assertEquals(AccessCounts.MAX, counts.get(42));
    for (int i = 0; i < 10; i++) {
      counts.decrement(42);
    }
    assertEquals(0, counts.get(42));
  }

  @Test
  void theFourCountersOfAByteAreIndependent() {
    AccessCounts counts = new AccessCounts(8);
    for (int slot = 4; slot < 8; slot++) {
      counts.set(slot, slot - 4);
    }
    counts.increment(4);
    counts.decrement(7);
    counts.set(6, 0);
    assertEquals(1, counts.get(4));
    assertEquals(1, counts.get(5));
    assertEquals(0, counts.get(6));
    assertEquals(2, counts.get(7));
    for (int slot = 0; slot < 4; slot++) {
      assertEquals(0, counts.get(slot), "slot " + slot);
    }
  }

  @Test
  void bumpsOfSlotsBeyondTheTableAreIgnored() {
    AccessCounts counts = new AccessCounts(16);
    counts.increment(16 + 5);
    counts.increment(-1);
    for (int slot = 0; slot < 16; slot++) {
      assertEquals(0, counts.get(slot), "slot " + slot);
    }
    assertEquals(16, counts.slots());
    counts.set(3, 9);
    assertEquals(AccessCounts.MAX, counts.get(3));
  }

  @Test
  void backwardShiftDeletionMovesCountsWithTheirKeys() {
    UnsafeBuffer table = new UnsafeBuffer(new byte[8 * IndexDescriptor.SLOT_LENGTH]);
    AccessCounts counts = new AccessCounts(8);
    // Three keys of home slot 2 fill slots 2, 3 and 4.
    int hash = SegmentIndexTest.hashHomedAt(2, 8);
    for (int i = 0; i < 3; i++) {
      int slot = SegmentIndex.emptySlot(table, hash);
      SegmentIndex.set(table, slot, hash, 0, RecordRefs.of(1, 64 * (i + 1)));
      counts.set(slot, i + 1);
    }

    SegmentIndex.remove(table, 2, counts);

    assertEquals(RecordRefs.of(1, 128), SegmentIndex.ref(table, 2));
    assertEquals(2, counts.get(2));
    assertEquals(RecordRefs.of(1, 192), SegmentIndex.ref(table, 3));
    assertEquals(3, counts.get(3));
    assertEquals(RecordRefs.NONE, SegmentIndex.ref(table, 4));
    assertEquals(0, counts.get(4));
  }

  @Test
  void sizeMustBeAMultipleOfFourOfAtLeastFour() {
    assertThrows(IllegalArgumentException.class, () -> new AccessCounts(2));
    assertThrows(IllegalArgumentException.class, () -> new AccessCounts(0));
    assertThrows(IllegalArgumentException.class, () -> new AccessCounts(98));
    assertEquals(4, new AccessCounts(4).slots());
    assertEquals(384, new AccessCounts(384).slots());
  }
}
