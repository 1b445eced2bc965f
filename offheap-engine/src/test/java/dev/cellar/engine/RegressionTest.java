package dev.cellar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Pins down, one deterministic test each, the engine bugs that the model-based and stress tests
 * found, so that they stay fixed even when a random run would not happen upon them again.
 */
class RegressionTest {
  private static final UnsafeBuffer KEY =
      new UnsafeBuffer("key".getBytes(StandardCharsets.US_ASCII));
  private static final UnsafeBuffer VALUE =
      new UnsafeBuffer("value".getBytes(StandardCharsets.US_ASCII));

  /**
   * The sweeper skips index slots by an expiry hint in whole seconds, clamped to at least 1 so
   * that 0 can mean "never". A value due before the clock's first second got hint 1 while the
   * clock still read second 0, so the sweep skipped it although it had expired.
   */
  @Test
  void sweepExpiresValueDueInTheClocksFirstSecond() {
    CachedEpochClock clock = new CachedEpochClock();
    try (OffHeapBucket bucket = new OffHeapBucket(BucketConfig.builder()
        .maxBytes(BucketConfig.MIN_MAX_BYTES).clock(clock).sweepIntervalMillis(0).build())) {
      assertEquals(1, bucket.put(KEY, 0, 3, VALUE, 0, 5, 500));
      clock.update(600);

      assertEquals(1, bucket.sweepExpired());

      assertEquals(1, bucket.expirations());
      assertEquals(0, bucket.entryCount());
      List<String> history = new ArrayList<>();
      assertTrue(bucket.latest(KEY, 0, 3, r -> history.add(r.op() + "@" + r.revision())));
      assertEquals(List.of("EXPIRE@2"), history);
    }
  }
}
