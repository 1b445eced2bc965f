package dev.cellar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.engine.internal.KeyHash;
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
   * The sweeper skips index slots by an expiry hint in whole seconds, clamped to at least 1 so that
   * 0 can mean "never". A value due before the clock's first second got hint 1 while the clock
   * still read second 0, so the sweep skipped it although it had expired.
   */
  @Test
  void sweepExpiresValueDueInTheClocksFirstSecond() {
    CachedEpochClock clock = new CachedEpochClock();
    try (OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(BucketConfig.MIN_MAX_BYTES)
                .clock(clock)
                .sweepIntervalMillis(0)
                .build())) {
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

  /**
   * Each segment wraps two reusable views around the records it hands to the observer and left them
   * pointing into the pages afterwards. Once those records were freed, the views kept their pages
   * and buffers reachable: memory the budget no longer counted but the JVM could not collect (after
   * close too, while the bucket object lived).
   */
  @Test
  void observerViewsDoNotKeepFreedMemoryReachable() throws InterruptedException {
    long baseline = DirectPool.settledBytes(-1);
    OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(BucketConfig.MIN_MAX_BYTES)
                .segments(1)
                .sweepIntervalMillis(0)
                .observer((previous, record) -> {})
                .build());
    long empty = bucket.bytesInUse();
    // Larger than a quarter page, so the value gets a buffer of its own.
    UnsafeBuffer large = new UnsafeBuffer(new byte[bucket.config().pageSize() / 4 + 1]);
    assertEquals(1, bucket.put(KEY, 0, 3, large, 0, large.capacity(), 0));
    assertEquals(2, bucket.purge(KEY, 0, 3, WriteOutcome.ANY_REVISION));
    assertEquals(1, bucket.purgeDeletes());
    assertEquals(empty, bucket.bytesInUse());

    assertEquals(
        baseline + bucket.bytesReserved(),
        DirectPool.settledBytes(baseline + bucket.bytesReserved()),
        "direct memory of the emptied bucket (emptied pages stay pooled for reuse)");
    bucket.close();
    assertEquals(baseline, DirectPool.settledBytes(baseline), "direct memory after close");
  }

  /**
   * The sweep walks the index by slot number. Writing an EXPIRE marker may have to evict, and
   * eviction may forget enough marker-only keys to shrink and rehash the index; the sweep went on
   * with the old slot numbers over the new table and missed expired values (or, from a later
   * starting slot, read past the end of the table).
   */
  @Test
  void sweepExpiresEverythingDueWhenEvictionShrinksTheIndex() {
    CachedEpochClock clock = new CachedEpochClock();
    clock.update(1_700_000_000_000L);
    List<String> events = new ArrayList<>();
    try (OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(BucketConfig.MIN_MAX_BYTES)
                .segments(1)
                .sweepIntervalMillis(0)
                .clock(clock)
                .observer((previous, record) -> events.add(record.op().name()))
                .build())) {
      // 250 keys that are only DELETE markers, all in one page of their size class.
      UnsafeBuffer longKey = new UnsafeBuffer(new byte[40]);
      for (int i = 0; i < 250; i++) {
        longKey.putInt(0, i);
        bucket.put(longKey, 0, 40, VALUE, 0, 0, 0);
        bucket.delete(longKey, 0, 40, WriteOutcome.ANY_REVISION);
      }
      // Values in buffers of their own fill the budget; each expires in a millisecond. No page
      // is left for the size class of their EXPIRE markers, so the first one must evict. Their
      // keys sit in the upper half of the 512-slot index, which the eviction halves.
      int pageSize = bucket.config().pageSize();
      UnsafeBuffer large = new UnsafeBuffer(new byte[pageSize / 2]);
      UnsafeBuffer shortKey = new UnsafeBuffer(new byte[4]);
      int expiring = 0;
      int candidate = 1_000_000;
      while (bucket.maxBytes() - bucket.bytesInUse() > pageSize) {
        shortKey.putInt(0, candidate++);
        if ((KeyHash.hash(shortKey, 0, 4) & 256) != 0) {
          bucket.put(shortKey, 0, 4, large, 0, large.capacity(), clock.time() + 1);
          expiring++;
        }
      }
      assertEquals(0, bucket.evictions());
      assertEquals(250 + expiring, bucket.recordCount());
      events.clear();
      clock.advance(2);

      int swept = bucket.sweepExpired();

      assertEquals(expiring, swept, "values swept");
      assertEquals(0, bucket.entryCount(), "values left unexpired");
      assertEquals(expiring, events.stream().filter("EXPIRE"::equals).count());
    }
  }

  /**
   * A read bumped the record's CLOCK frequency byte in the page after its optimistic stamp had
   * validated. A writer could free the page in that gap and reuse it for another size class, so the
   * byte landed inside another key's value: the stress test saw a torn value under load. Reads now
   * write nothing off-heap; this pins that down byte for byte over every registered page.
   */
  @Test
  void readsWriteNothingOffHeap() {
    CachedEpochClock clock = new CachedEpochClock();
    clock.update(1_700_000_000_000L);
    try (OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(BucketConfig.MIN_MAX_BYTES)
                .segments(1)
                .history(3)
                .sweepIntervalMillis(0)
                .clock(clock)
                .build())) {
      UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
      for (int i = 0; i < 200; i++) {
        key.putLong(0, i);
        bucket.put(key, 0, 8, VALUE, 0, 5, i % 2 == 0 ? 0 : clock.time() + 60_000);
        bucket.put(key, 0, 8, VALUE, 0, 4, 0);
      }
      List<byte[]> before = pageBytes(bucket);

      org.agrona.ExpandableArrayBuffer destination = new org.agrona.ExpandableArrayBuffer(16);
      RecordInfo info = new RecordInfo();
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 210; i++) {
          key.putLong(0, i);
          bucket.get(key, 0, 8, destination, 0, info);
          bucket.containsKey(key, 0, 8);
          bucket.latest(key, 0, 8, r -> r.valueBytes());
          bucket.history(key, 0, 8, r -> r.valueBytes());
          bucket.atRevision(key, 0, 8, 1 + i, r -> r.valueBytes());
        }
        EntryCursor entries = bucket.entries();
        while (entries.next()) {
          entries.current().valueBytes();
        }
      }

      List<byte[]> after = pageBytes(bucket);
      assertEquals(before.size(), after.size(), "registered pages");
      for (int page = 0; page < before.size(); page++) {
        assertTrue(java.util.Arrays.equals(before.get(page), after.get(page)), "page " + page);
      }
      key.putLong(0, 7);
      assertEquals(4, bucket.get(key, 0, 8, destination, 0, info), "a value is still read");
      assertEquals(16, info.revision());
    }
  }

  private static List<byte[]> pageBytes(OffHeapBucket bucket) {
    List<byte[]> pages = new ArrayList<>();
    for (int id = 1; id < 4096; id++) {
      UnsafeBuffer page = bucket.context().pageTable.buffer(id);
      if (page != null) {
        byte[] copy = new byte[page.capacity()];
        page.getBytes(0, copy);
        pages.add(copy);
      }
    }
    return pages;
  }
}
