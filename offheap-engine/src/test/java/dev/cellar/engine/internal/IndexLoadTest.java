package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.engine.MutationObserver;
import dev.cellar.engine.RecordOp;
import dev.cellar.engine.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * When the index doubles. A segment with memory to spare doubles its table before it is three
 * quarters full; a full one whose doubled table would be larger than a page lets it fill to {@link
 * Segment#FULL_SEGMENT_LOAD} 32nds, because doubling there would evict values to pay for empty
 * slots.
 */
class IndexLoadTest {
  private static final int PAGE = 4096;
  private static final int SLOT = IndexDescriptor.SLOT_LENGTH;

  @Test
  void aSegmentWithMemoryToSpareDoublesItsTableAtThreeQuarters() {
    Segment segment = segment(64 << 20);
    for (int i = 0; i < 6144; i++) {
      put(segment, i);
    }
    assertEquals(8192, capacity(segment), "6,144 keys: exactly three quarters of 8,192");
    put(segment, 6144);
    assertEquals(16384, capacity(segment), "one more doubles it");
    assertEquals(0, segment.context.evictions.get());
  }

  @Test
  void aFullSegmentFillsItsTableFurtherRatherThanEvictValuesToDoubleIt() {
    // 8,192 slots take 128 KiB. Records of 8-byte keys and 24-byte values take 80-byte chunks, so
    // 680 KiB hold the marker ring, that table and about 7,000 keys: more than three quarters of
    // 8,192, and the 256 KiB a doubled table needs would come from evicting some 1,600 values. (The
    // three-quarter rule doubled it here and kept 5,049 values in 16,384 slots; now 6,630 in
    // 8,192.)
    Segment segment = segment(680 << 10);
    for (int i = 0; i < 30_000; i++) {
      put(segment, i);
      long capacity = capacity(segment);
      assertTrue(
          segment.keys * 32L <= capacity * Segment.FULL_SEGMENT_LOAD,
          segment.keys + " keys in " + capacity + " slots after " + i);
    }
    assertTrue(segment.context.evictions.get() > 20_000, "full: " + segment.context.evictions);
    assertEquals(8192, capacity(segment), "not doubled");
    assertTrue(
        segment.liveCount > 8192 * 3 / 4,
        segment.liveCount + " live keys: more than three quarters of 8,192 slots");
    assertTrue(segment.budget.used() <= segment.budget.limit());
  }

  private static long capacity(Segment segment) {
    return SegmentIndex.capacity(segment.table);
  }

  private static Segment segment(long budget) {
    BucketContext context = new BucketContext(new CachedEpochClock(), MutationObserver.NONE, 1, 0);
    context.journal = new Journal(new UnsafeBuffer(new byte[Journal.ringLength(1024)]), 1024);
    return new Segment(
        0, context, new MemoryBudget(budget, new AtomicLong(), new AtomicLong()), PAGE, 256);
  }

  private static void put(Segment segment, int i) {
    UnsafeBuffer key = new UnsafeBuffer(String.format("k%07d", i).getBytes(StandardCharsets.UTF_8));
    UnsafeBuffer value = new UnsafeBuffer(new byte[24]);
    long revision =
        segment.write(
            KeyHash.hash(key, 0, key.capacity()),
            key,
            0,
            key.capacity(),
            value,
            0,
            value.capacity(),
            RecordOp.PUT,
            WriteOutcome.ANY_REVISION,
            0L);
    assertTrue(revision > 0);
  }
}
