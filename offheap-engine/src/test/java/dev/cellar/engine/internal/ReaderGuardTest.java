package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.RecordDescriptor.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.engine.MutationObserver;
import dev.cellar.engine.RecordOp;
import dev.cellar.engine.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The bounds guards of the optimistic readers, which follow references they have not validated (a
 * stale index table recycled as a record page holds value bytes where slots were). An offset near
 * {@link Integer#MAX_VALUE} once overflowed {@code offset + HEADER_LENGTH} and passed.
 */
class ReaderGuardTest {
  private static final UnsafeBuffer KEY =
      new UnsafeBuffer("key".getBytes(StandardCharsets.US_ASCII));
  private static final UnsafeBuffer VALUE = new UnsafeBuffer(new byte[100]);

  /** An offset whose header end, computed in int, wraps negative. */
  private static final int OVERFLOWING = Integer.MAX_VALUE - 20;

  @Test
  void headerFitsOnlyInsideThePageWhateverTheOffset() {
    UnsafeBuffer page = new UnsafeBuffer(new byte[4096]);
    assertTrue(Records.headerFits(page, 0));
    assertTrue(Records.headerFits(page, 4096 - HEADER_LENGTH));
    assertFalse(Records.headerFits(page, 4096 - HEADER_LENGTH + 1));
    assertFalse(Records.headerFits(page, -1));
    assertFalse(Records.headerFits(page, Integer.MIN_VALUE));
    assertFalse(Records.headerFits(page, OVERFLOWING));
    assertFalse(Records.headerFits(page, Integer.MAX_VALUE - HEADER_LENGTH + 1));
    assertFalse(Records.headerFits(page, Integer.MAX_VALUE));
    assertFalse(Records.headerFits(new UnsafeBuffer(new byte[HEADER_LENGTH - 1]), 0));

    assertFalse(Records.fits(page, OVERFLOWING, 0, 0));
    assertFalse(Records.fits(page, 0, Integer.MAX_VALUE, Integer.MAX_VALUE));
    assertTrue(Records.fits(page, 0, 4096 - HEADER_LENGTH, 0));
  }

  @Test
  void resolveRefusesAReferenceWhoseOffsetWouldOverflow() {
    Segment segment = segmentWithOneRecord();
    long ref = SegmentIndex.ref(segment.table(), slotOfKey(segment));
    long garbage = RecordRefs.of(RecordRefs.pageId(ref), OVERFLOWING);

    assertFalse(segment.reads.resolve(garbage, 1, new ExpandableArrayBuffer()));
    assertTrue(segment.reads.resolve(ref, 1, new ExpandableArrayBuffer()));
  }

  @Test
  void readOfASlotWhoseOffsetWouldOverflowStaysInsideThePage() {
    Segment segment = segmentWithOneRecord();
    int slot = slotOfKey(segment);
    long ref = SegmentIndex.ref(segment.table(), slot);
    SegmentIndex.update(
        segment.table(), slot, 0, RecordRefs.of(RecordRefs.pageId(ref), OVERFLOWING));

    // Without a racing writer the optimistic reads retry in vain, and the read under the lock
    // reports the inconsistency instead of reading 2 GiB before the page.
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () -> segment.reads.read(hash(), KEY, 0, KEY.capacity(), null, 0, null, 0));
    assertTrue(thrown.getMessage().contains("disagree"), thrown.getMessage());
  }

  private static Segment segmentWithOneRecord() {
    BucketContext context = new BucketContext(new CachedEpochClock(), MutationObserver.NONE, 1, 0);
    context.journal = new Journal(new UnsafeBuffer(new byte[Journal.ringLength(16)]), 16);
    Segment segment =
        new Segment(
            0, context, new MemoryBudget(1 << 20, new AtomicLong(), new AtomicLong()), 4096, 256);
    long revision =
        segment.write(
            hash(),
            KEY,
            0,
            KEY.capacity(),
            VALUE,
            0,
            VALUE.capacity(),
            RecordOp.PUT,
            WriteOutcome.ANY_REVISION,
            0L);
    assertEquals(1, revision);
    return segment;
  }

  private static int slotOfKey(Segment segment) {
    int slot = segment.find(hash(), KEY, 0, KEY.capacity());
    assertTrue(slot >= 0);
    return slot;
  }

  private static int hash() {
    return KeyHash.hash(KEY, 0, KEY.capacity());
  }
}
