package dev.cellar.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.engine.internal.DirectMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Records larger than a page. They used to get a direct buffer each that, once freed, was left to
 * the garbage collector (an optimistic reader might still be copying from it), and making budget
 * room for one dropped pooled pages to the collector too: churn held hundreds of times the budget
 * in the JVM's direct pool while {@code bytesReserved()} looked fine. Now such a record is read
 * only under the segment's lock, so its buffer is freed (or pooled) the moment it is freed, and
 * when it cannot have a buffer of its own it is built from pooled pages instead.
 *
 * <p>The memory checks read the JVM's direct pool without collecting: they fail on memory left to
 * the collector whatever the collector's timing.
 */
class LargeRecordMemoryTest {
  private static final long MIB = 1L << 20;

  /** Room for direct buffers that something else in the JVM might allocate meanwhile. */
  private static final long SLACK = 64 * 1024;

  private static final UnsafeBuffer KEY = TestBytes.utf8("large");

  /**
   * One 200 KB value rewritten 3,000 times in a 1 MiB bucket (the reviewer's LargeChurn): the JVM's
   * direct pool must never hold more than the bucket reserves, which must stay within the budget.
   * It used to reach some 600 MB.
   */
  @Test
  void churnOfOneLargeValueHoldsNoMoreDirectMemoryThanTheBucketReserves()
      throws InterruptedException {
    long baseline = DirectPool.settledBytes(-1);
    OffHeapBucket bucket =
        new OffHeapBucket(BucketConfig.builder().maxBytes(MIB).sweepIntervalMillis(0).build());
    try {
      assertTrue(200_000 > bucket.config().pageSize(), "the value must be larger than a page");
      UnsafeBuffer value = new UnsafeBuffer(pattern(200_000, 1));
      long highest = 0;
      for (int i = 0; i < 3000; i++) {
        int length = value.capacity() - i % 64;
        assertTrue(WriteOutcome.succeeded(bucket.put(KEY, 0, KEY.capacity(), value, 0, length, 0)));
        long held = DirectPool.rawBytes() - baseline;
        long reserved = bucket.bytesReserved();
        highest = Math.max(highest, held);
        assertTrue(reserved <= bucket.maxBytes(), "reserved " + reserved);
        if (held > reserved + SLACK) {
          throw new AssertionError(
              "after "
                  + (i + 1)
                  + " writes the JVM's direct pool holds "
                  + held
                  + " bytes for a bucket that reserves "
                  + reserved
                  + " of "
                  + bucket.maxBytes());
        }
      }
      assertTrue(highest <= bucket.maxBytes(), "highest " + highest);
      ExpandableArrayBuffer read = new ExpandableArrayBuffer(16);
      int length = bucket.get(KEY, 0, KEY.capacity(), read, 0, null);
      assertEquals(value.capacity() - 2999 % 64, length);
      assertEquals(new UnsafeBuffer(value, 0, length), new UnsafeBuffer(read, 0, length));

      // Exact to the byte: the bucket's figure is what the JVM holds for it.
      assertEquals(
          baseline + bucket.bytesReserved(),
          DirectPool.settledBytes(baseline + bucket.bytesReserved()),
          "direct memory after the churn");
      assertTrue(
          WriteOutcome.succeeded(bucket.purge(KEY, 0, KEY.capacity(), WriteOutcome.ANY_REVISION)));
      bucket.purgeDeletes();
      assertEquals(
          baseline + bucket.bytesReserved(),
          DirectPool.settledBytes(baseline + bucket.bytesReserved()),
          "direct memory once the value is gone");
    } finally {
      bucket.close();
    }
    assertEquals(baseline, DirectPool.settledBytes(baseline), "direct memory after close");
  }

  /**
   * Small values and values of one to three and a half pages churn through a bucket that must
   * evict. Making room for a large value used to empty pages of small ones and drop them for the
   * collector; now emptied pages serve the large value as parts, so the JVM's direct pool still
   * holds exactly what the bucket reserves.
   */
  @Test
  void mixedChurnOfSmallAndLargeValuesLeavesNothingToTheCollector() throws InterruptedException {
    long baseline = DirectPool.settledBytes(-1);
    OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(4 * MIB)
                .segments(1)
                .history(2)
                .sweepIntervalMillis(0)
                .build());
    try {
      int page = bucket.config().pageSize();
      byte[] bytes = pattern(4 * page, 2);
      UnsafeBuffer value = new UnsafeBuffer(bytes);
      SplittableRandom random = new SplittableRandom(7);
      UnsafeBuffer[] keys = new UnsafeBuffer[4016];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = TestBytes.utf8("k" + i);
      }
      long highest = 0;
      for (int i = 0; i < 20_000; i++) {
        boolean large = random.nextInt(10) == 0;
        UnsafeBuffer key = large ? keys[random.nextInt(16)] : keys[16 + random.nextInt(4000)];
        int length = large ? page + 1 + random.nextInt(5 * page / 2) : 100 + random.nextInt(2000);
        if (random.nextInt(20) == 0) {
          bucket.delete(key, 0, key.capacity(), WriteOutcome.ANY_REVISION);
        } else {
          bucket.put(key, 0, key.capacity(), value, 0, length, 0);
        }
        long held = DirectPool.rawBytes() - baseline;
        long reserved = bucket.bytesReserved();
        highest = Math.max(highest, held);
        assertTrue(reserved <= bucket.maxBytes(), "reserved " + reserved);
        if (held > reserved + SLACK) {
          throw new AssertionError(
              "after "
                  + (i + 1)
                  + " writes the JVM's direct pool holds "
                  + held
                  + " bytes for a bucket that reserves "
                  + reserved
                  + " of "
                  + bucket.maxBytes());
        }
      }
      assertTrue(bucket.evictions() > 1000, "the churn must evict: " + bucket.evictions());
      assertTrue(highest <= bucket.maxBytes(), "highest " + highest);
      // Whatever survived reads back whole.
      ExpandableArrayBuffer read = new ExpandableArrayBuffer(16);
      for (UnsafeBuffer key : keys) {
        int length = bucket.get(key, 0, key.capacity(), read, 0, null);
        if (length != OffHeapBucket.NOT_FOUND) {
          assertEquals(new UnsafeBuffer(value, 0, length), new UnsafeBuffer(read, 0, length));
        }
      }
      assertEquals(
          baseline + bucket.bytesReserved(),
          DirectPool.settledBytes(baseline + bucket.bytesReserved()),
          "direct memory after the churn");
    } finally {
      bucket.close();
    }
    assertEquals(baseline, DirectPool.settledBytes(baseline), "direct memory after close");
  }

  /**
   * A large value written while the budget sits in pooled pages is built from those pages; every
   * way of reading it (get into fixed and growing buffers, latest, history, by revision, entries,
   * watch, the observer) sees it whole, and removing it gives the pages back.
   */
  @Test
  void aLargeValueBuiltFromPooledPagesReadsBackWholeEverywhere() {
    List<byte[]> observed = new ArrayList<>();
    OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(4 * MIB)
                .segments(1)
                .history(2)
                .sweepIntervalMillis(0)
                .observer(
                    (previous, record) -> {
                      if (record.op() == RecordOp.PUT && record.keyLength() == KEY.capacity()) {
                        observed.add(record.valueBytes());
                      }
                    })
                .build());
    try {
      int page = bucket.config().pageSize();
      long pageCost = DirectMemory.cost(page);
      long empty = bucket.bytesInUse();
      // Fill the budget with small values, then remove them all: their pages stay pooled.
      UnsafeBuffer small = new UnsafeBuffer(new byte[2000]);
      for (int i = 0; i < 3000; i++) {
        UnsafeBuffer key = TestBytes.utf8("small-" + i);
        bucket.put(key, 0, key.capacity(), small, 0, small.capacity(), 0);
      }
      assertTrue(bucket.evictions() > 0, "the budget must be full");
      for (int i = 0; i < 3000; i++) {
        UnsafeBuffer key = TestBytes.utf8("small-" + i);
        bucket.purge(key, 0, key.capacity(), WriteOutcome.ANY_REVISION);
      }
      bucket.purgeDeletes();
      assertEquals(empty, bucket.bytesInUse());
      long reserved = bucket.bytesReserved();
      assertTrue(reserved > bucket.maxBytes() - 2 * pageCost, "pooled: " + reserved);

      byte[] first = pattern(5 * page / 2, 3);
      byte[] second = pattern(2 * page + 1, 4);
      long r1 = bucket.put(KEY, 0, KEY.capacity(), new UnsafeBuffer(first), 0, first.length, 0);
      assertEquals(
          empty + 3 * pageCost, bucket.bytesInUse(), "three pooled pages, no buffer of its own");
      long r2 = bucket.put(KEY, 0, KEY.capacity(), new UnsafeBuffer(second), 0, second.length, 0);
      assertEquals(empty + 6 * pageCost, bucket.bytesInUse(), "history keeps the first");
      assertEquals(reserved, bucket.bytesReserved(), "no fresh memory, nothing given up");

      ExpandableArrayBuffer growing = new ExpandableArrayBuffer(16);
      assertEquals(second.length, bucket.get(KEY, 0, KEY.capacity(), growing, 5, null));
      assertArrayEquals(second, bytes(growing, 5, second.length));
      UnsafeBuffer fixed = new UnsafeBuffer(new byte[second.length + 3]);
      RecordInfo info = new RecordInfo();
      assertEquals(second.length, bucket.get(KEY, 0, KEY.capacity(), fixed, 3, info));
      assertArrayEquals(second, bytes(fixed, 3, second.length));
      assertEquals(r2, info.revision());
      assertTrue(bucket.containsKey(KEY, 0, KEY.capacity()));

      List<byte[]> seen = new ArrayList<>();
      bucket.latest(KEY, 0, KEY.capacity(), r -> seen.add(r.valueBytes()));
      assertEquals(2, bucket.history(KEY, 0, KEY.capacity(), r -> seen.add(r.valueBytes())));
      bucket.atRevision(KEY, 0, KEY.capacity(), r1, r -> seen.add(r.valueBytes()));
      EntryCursor entries = bucket.entries();
      assertTrue(entries.next());
      seen.add(entries.current().valueBytes());
      try (WatchCursor watch = bucket.watch(WatchStart.FROM_REVISION, r1)) {
        watch.poll(
            new WatchHandler() {
              @Override
              public void onRecord(RecordView record) {
                seen.add(record.valueBytes());
              }

              @Override
              public void onEndOfData() {}
            },
            10);
      }
      List<byte[]> expected = List.of(second, first, second, first, second, first, second);
      assertEquals(expected.size(), seen.size());
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(i), seen.get(i), "read " + i);
      }
      assertEquals(2, observed.size());
      assertArrayEquals(first, observed.get(0));
      assertArrayEquals(second, observed.get(1));

      bucket.purge(KEY, 0, KEY.capacity(), WriteOutcome.ANY_REVISION);
      bucket.purgeDeletes();
      assertEquals(empty, bucket.bytesInUse());
      assertEquals(reserved, bucket.bytesReserved(), "the parts went back to the pool");
    } finally {
      bucket.close();
    }
  }

  /** {@code length} bytes that differ with {@code seed} and along the array. */
  private static byte[] pattern(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 31 + seed * 17 + (i >>> 8));
    }
    return bytes;
  }

  private static byte[] bytes(DirectBuffer buffer, int offset, int length) {
    byte[] bytes = new byte[length];
    buffer.getBytes(offset, bytes);
    return bytes;
  }
}
