package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.engine.MutationObserver;
import dev.cellar.engine.RecordOp;
import dev.cellar.engine.WriteOutcome;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

/** A lone segment for tests of the engine's internals, and the one write they all need. */
final class TestSegments {
  private TestSegments() {}

  /**
   * A segment of {@code budget} bytes in pages of {@code pageSize}, starting with {@code slots}
   * index slots, in a context of its own (fixed clock, no observer, a 1,024-entry journal).
   */
  static Segment segment(long budget, int pageSize, int slots) {
    BucketContext context = new BucketContext(new CachedEpochClock(), MutationObserver.NONE, 1, 0);
    context.journal = new Journal(new UnsafeBuffer(new byte[Journal.ringLength(1024)]), 1024);
    return new Segment(
        0, context, new MemoryBudget(budget, new AtomicLong(), new AtomicLong()), pageSize, slots);
  }

  /** Puts {@code value} (all of it) under {@code key} (all of it); returns the new revision. */
  static long put(Segment segment, DirectBuffer key, DirectBuffer value) {
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
    return revision;
  }
}
