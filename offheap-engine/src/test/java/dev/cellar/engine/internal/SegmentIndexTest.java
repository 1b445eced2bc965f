package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

  @Test
  void keysThatAllCollideAreAllFound() {
    UnsafeBuffer table = table(64);
    for (int i = 1; i <= 40; i++) {
      insert(table, 7, i);
    }
    for (int i = 1; i <= 40; i++) {
      assertEquals((7 + i - 1) & 63, SegmentIndex.slotOfRef(table, 7, i));
    }
    SegmentIndex.remove(table, SegmentIndex.slotOfRef(table, 7, 1));
    for (int i = 2; i <= 40; i++) {
      assertEquals((7 + i - 2) & 63, SegmentIndex.slotOfRef(table, 7, i), "shifted back by one");
    }
    assertEquals(-1, SegmentIndex.slotOfRef(table, 7, 1));
  }

  @Test
  void runsThatWrapAroundTheEndSurviveDeletes() {
    UnsafeBuffer table = table(16);
    insert(table, 14, 1);
    insert(table, 14, 2);
    insert(table, 15, 3);
    insert(table, 0, 4);
    insert(table, 14, 5);
    assertEquals(0, SegmentIndex.slotOfRef(table, 15, 3));
    SegmentIndex.remove(table, SegmentIndex.slotOfRef(table, 14, 1));
    assertEquals(14, SegmentIndex.slotOfRef(table, 14, 2));
    assertEquals(15, SegmentIndex.slotOfRef(table, 15, 3));
    assertEquals(0, SegmentIndex.slotOfRef(table, 0, 4));
    assertEquals(1, SegmentIndex.slotOfRef(table, 14, 5));
    assertEquals(2, SegmentIndex.emptySlot(table, 14));
  }

  @Test
  void aFullTableHasNoEmptySlotAndProbesStop() {
    UnsafeBuffer table = table(8);
    for (int i = 1; i <= 8; i++) {
      insert(table, 3, i);
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
