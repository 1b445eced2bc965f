package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Linear probing with backward-shift deletion, under adversarial hashes: every key on one home
 * slot, runs that wrap around the end of the table, and random churn over a tiny hash space.
 */
class SegmentIndexTest {
  private static UnsafeBuffer table(int slots) {
    return new UnsafeBuffer(new byte[slots * IndexDescriptor.SLOT_LENGTH]);
  }

  private static void insert(UnsafeBuffer table, int hash, long ref) {
    SegmentIndex.set(table, SegmentIndex.emptySlot(table, hash), hash, 0, ref);
  }

  /** The first hash, counting up from {@code from}, whose home slot is {@code slot}. */
  static int hashHomedAt(int slot, int capacity, int from) {
    int hash = from;
    while (SegmentIndex.home(hash, capacity) != slot) {
      hash++;
    }
    return hash;
  }

  static int hashHomedAt(int slot, int capacity) {
    return hashHomedAt(slot, capacity, 0);
  }

  @Test
  void keysThatAllCollideAreAllFound() {
    UnsafeBuffer table = table(64);
    int hash = hashHomedAt(7, 64);
    for (int i = 1; i <= 40; i++) {
      insert(table, hash, i);
    }
    for (int i = 1; i <= 40; i++) {
      assertEquals((7 + i - 1) % 64, SegmentIndex.slotOfRef(table, hash, i));
    }
    SegmentIndex.remove(table, SegmentIndex.slotOfRef(table, hash, 1));
    for (int i = 2; i <= 40; i++) {
      assertEquals((7 + i - 2) % 64, SegmentIndex.slotOfRef(table, hash, i), "shifted back by one");
    }
    assertEquals(-1, SegmentIndex.slotOfRef(table, hash, 1));
  }

  @Test
  void runsThatWrapAroundTheEndSurviveDeletes() {
    runsThatWrapAroundTheEndSurviveDeletes(16);
  }

  @Test
  void runsWrapAtTheEndOfATableOneAndAHalfTimesAPowerOfTwo() {
    runsThatWrapAroundTheEndSurviveDeletes(24);
  }

  private static void runsThatWrapAroundTheEndSurviveDeletes(int capacity) {
    UnsafeBuffer table = table(capacity);
    int secondToLast = hashHomedAt(capacity - 2, capacity);
    int last = hashHomedAt(capacity - 1, capacity);
    int first = hashHomedAt(0, capacity);
    insert(table, secondToLast, 1);
    insert(table, secondToLast, 2);
    insert(table, last, 3);
    insert(table, first, 4);
    insert(table, secondToLast, 5);
    assertEquals(0, SegmentIndex.slotOfRef(table, last, 3));
    SegmentIndex.remove(table, SegmentIndex.slotOfRef(table, secondToLast, 1));
    assertEquals(capacity - 2, SegmentIndex.slotOfRef(table, secondToLast, 2));
    assertEquals(capacity - 1, SegmentIndex.slotOfRef(table, last, 3));
    assertEquals(0, SegmentIndex.slotOfRef(table, first, 4));
    assertEquals(1, SegmentIndex.slotOfRef(table, secondToLast, 5));
    assertEquals(2, SegmentIndex.emptySlot(table, secondToLast));
  }

  @Test
  void capacitiesGrowByHalfAndShrinkBackTheSameWay() {
    int[] expected = {256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096};
    for (int i = 0; i + 1 < expected.length; i++) {
      assertEquals(expected[i + 1], SegmentIndex.grown(expected[i]));
      assertEquals(expected[i], SegmentIndex.shrunk(expected[i + 1]));
    }
  }

  @Test
  void homesSpreadEvenlyOverATableThatIsNoPowerOfTwo() {
    // Hashes of one segment share their top bits; their homes must still cover the table evenly.
    int capacity = 384;
    int[] perSlot = new int[capacity];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 384_000; i++) {
      int hash = (0b101 << 29) | (random.nextInt() >>> 3);
      perSlot[SegmentIndex.home(hash, capacity)]++;
    }
    for (int slot = 0; slot < capacity; slot++) {
      assertTrue(
          perSlot[slot] > 850 && perSlot[slot] < 1150, "slot " + slot + ": " + perSlot[slot]);
    }
  }

  @Test
  void aFullTableHasNoEmptySlotAndProbesStop() {
    UnsafeBuffer table = table(8);
    for (int i = 1; i <= 8; i++) {
      insert(table, hashHomedAt(3, 8), i);
    }
    assertEquals(-1, SegmentIndex.emptySlot(table, 3));
    assertEquals(-1, SegmentIndex.slotOfRef(table, 3, 99));
  }

  @Test
  void randomChurnOverATinyHashSpaceMatchesAMap() {
    SplittableRandom random = new SplittableRandom(20261121);
    UnsafeBuffer table = table(256);
    Map<Long, Integer> model = new HashMap<>();
    long nextRef = 1;
    for (int step = 0; step < 200_000; step++) {
      if (model.size() < 190 && (model.isEmpty() || random.nextBoolean())) {
        int hash = random.nextInt(4) * 64 + random.nextInt(3);
        long ref = nextRef++;
        insert(table, hash, ref);
        model.put(ref, hash);
      } else {
        Long victim = model.keySet().iterator().next();
        int slot = SegmentIndex.slotOfRef(table, model.get(victim), victim);
        SegmentIndex.remove(table, slot);
        model.remove(victim);
      }
      if (step % 997 == 0) {
        for (Map.Entry<Long, Integer> entry : model.entrySet()) {
          int slot = SegmentIndex.slotOfRef(table, entry.getValue(), entry.getKey());
          assertEquals(entry.getKey(), SegmentIndex.ref(table, slot), "step " + step);
        }
        int occupied = 0;
        for (int slot = 0; slot < 256; slot++) {
          occupied += SegmentIndex.ref(table, slot) == RecordRefs.NONE ? 0 : 1;
        }
        assertEquals(model.size(), occupied);
      }
    }
  }
}
