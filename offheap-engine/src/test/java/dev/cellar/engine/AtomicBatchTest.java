package dev.cellar.engine;

import static dev.cellar.engine.TestBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Multi-key commits: all or nothing, consecutive revisions, in order, also under eviction. */
class AtomicBatchTest {
  private static final long T0 = 1_700_000_000_000L;

  private final CachedEpochClock clock = new CachedEpochClock();
  private final List<OffHeapBucket> opened = new ArrayList<>();
  private final Map<Long, String> observed = new ConcurrentHashMap<>();

  private OffHeapBucket bucket(BucketConfig.Builder builder) {
    clock.update(T0);
    OffHeapBucket bucket =
        new OffHeapBucket(
            builder
                .clock(clock)
                .sweepIntervalMillis(0)
                .observer(
                    (previous, record) ->
                        observed.put(record.revision(), record.op() + ":" + TestBytes.key(record)))
                .build());
    opened.add(bucket);
    return bucket;
  }

  private OffHeapBucket bucket() {
    return bucket(BucketConfig.builder().maxBytes(4 << 20).history(4));
  }

  @AfterEach
  void closeAll() {
    opened.forEach(OffHeapBucket::close);
  }

  private static long put(OffHeapBucket bucket, String key, String value) {
    UnsafeBuffer k = utf8(key);
    UnsafeBuffer v = utf8(value);
    return bucket.put(k, 0, k.capacity(), v, 0, v.capacity(), 0);
  }

  private static AtomicBatch put(AtomicBatch batch, String key, String value) {
    UnsafeBuffer k = utf8(key);
    UnsafeBuffer v = utf8(value);
    return batch.put(k, 0, k.capacity(), v, 0, v.capacity(), 0);
  }

  private static AtomicBatch check(AtomicBatch batch, String key, long revision) {
    UnsafeBuffer k = utf8(key);
    return batch.check(k, 0, k.capacity(), revision);
  }

  private static AtomicBatch delete(AtomicBatch batch, String key) {
    UnsafeBuffer k = utf8(key);
    return batch.delete(k, 0, k.capacity());
  }

  private static String get(OffHeapBucket bucket, String key) {
    UnsafeBuffer k = utf8(key);
    ExpandableArrayBuffer out = new ExpandableArrayBuffer();
    int length = bucket.get(k, 0, k.capacity(), out, 0, null);
    return length == OffHeapBucket.NOT_FOUND ? null : TestBytes.text(out, 0, length);
  }

  private static List<String> history(OffHeapBucket bucket, String key) {
    UnsafeBuffer k = utf8(key);
    List<String> seen = new ArrayList<>();
    bucket.history(
        k,
        0,
        k.capacity(),
        r ->
            seen.add(
                r.revision()
                    + ":"
                    + r.op()
                    + (r.op() == RecordOp.PUT ? "=" + TestBytes.value(r) : "")));
    return seen;
  }

  private static long latestRevision(OffHeapBucket bucket, String key) {
    UnsafeBuffer k = utf8(key);
    long[] revision = {0};
    bucket.latest(k, 0, k.capacity(), r -> revision[0] = r.revision());
    return revision[0];
  }

  @Test
  void writesGetConsecutiveRevisionsInTheOrderAdded() {
    OffHeapBucket bucket = bucket();
    put(bucket, "x", "0");
    AtomicBatch batch = bucket.batch();
    put(batch, "c", "3");
    put(batch, "a", "1");
    put(batch, "b", "2");
    assertEquals(4, batch.commit());
    assertEquals(List.of("2:PUT=3"), history(bucket, "c"));
    assertEquals(List.of("3:PUT=1"), history(bucket, "a"));
    assertEquals(List.of("4:PUT=2"), history(bucket, "b"));
    assertEquals(Map.of(1L, "PUT:x", 2L, "PUT:c", 3L, "PUT:a", 4L, "PUT:b"), Map.copyOf(observed));
    assertEquals(4, bucket.revision());
    List<String> watched = new ArrayList<>();
    WatchCursor cursor = bucket.watch(WatchStart.FROM_REVISION, 2);
    cursor.poll(r -> watched.add(r.revision() + ":" + TestBytes.key(r)), 10);
    assertEquals(List.of("2:c", "3:a", "4:b"), watched);
  }

  @Test
  void aFailingCheckWritesNothing() {
    OffHeapBucket bucket = bucket();
    put(bucket, "a", "1");
    put(bucket, "b", "2");
    AtomicBatch batch = bucket.batch();
    put(batch, "a", "new");
    check(batch, "a", 1);
    check(batch, "b", 1); // b is at 2
    delete(batch, "b");
    assertEquals(AtomicBatch.FAILED, batch.commit());
    assertEquals(0, batch.writtenPuts());
    assertEquals(0, batch.writtenDeletes());
    assertEquals(2, bucket.revision());
    assertEquals(2, observed.size());
    assertEquals("1", get(bucket, "a"));
    assertEquals("2", get(bucket, "b"));
    WatchCursor cursor = bucket.watch(WatchStart.FROM_REVISION, 3);
    assertEquals(0, cursor.poll(r -> {}, 10));
  }

  @Test
  void checksSeeMarkersAndZeroMeansNoLiveValue() {
    OffHeapBucket bucket = bucket();
    put(bucket, "a", "1");
    UnsafeBuffer a = utf8("a");
    assertEquals(2, bucket.delete(a, 0, 1, WriteOutcome.ANY_REVISION));
    AtomicBatch zero = bucket.batch();
    check(zero, "a", 0);
    check(zero, "never", 0);
    put(zero, "a", "again");
    assertEquals(3, zero.commit());

    AtomicBatch marker = bucket.batch();
    check(marker, "a", 2); // the DELETE marker is no longer the latest record
    put(marker, "b", "x");
    assertEquals(AtomicBatch.FAILED, marker.commit());

    AtomicBatch absent = bucket.batch();
    check(absent, "never", 1);
    assertEquals(AtomicBatch.FAILED, absent.commit());

    AtomicBatch onMarker = bucket.batch();
    delete(onMarker, "a");
    assertEquals(4, onMarker.commit());
    AtomicBatch checkMarker = bucket.batch();
    check(checkMarker, "a", 4);
    check(checkMarker, "a", 0);
    put(checkMarker, "b", "y");
    assertEquals(5, checkMarker.commit());
    assertEquals("y", get(bucket, "b"));
  }

  @Test
  void severalOperationsOnOneKeyApplyInOrder() {
    OffHeapBucket bucket = bucket();
    AtomicBatch batch = bucket.batch();
    put(batch, "k", "1");
    delete(batch, "k");
    delete(batch, "k"); // no live value at this point: dropped
    put(batch, "k", "2");
    put(batch, "other", "o");
    put(batch, "k", "3");
    assertEquals(5, batch.commit());
    assertEquals(4, batch.writtenPuts());
    assertEquals(1, batch.writtenDeletes());
    assertEquals(List.of("2:DELETE", "3:PUT=2", "5:PUT=3"), history(bucket, "k").subList(1, 4));
    assertEquals("1:PUT=1", history(bucket, "k").get(0));
    assertEquals(List.of("4:PUT=o"), history(bucket, "other"));
    assertEquals(2, bucket.entryCount());
  }

  @Test
  void deleteOfAKeyWithoutALiveValueIsDroppedAndAnEmptyCommitReturnsTheRevision() {
    OffHeapBucket bucket = bucket();
    assertEquals(0, bucket.batch().commit());
    put(bucket, "a", "1");
    AtomicBatch batch = bucket.batch();
    delete(batch, "missing");
    check(batch, "a", 1);
    assertEquals(1, batch.commit());
    assertEquals(1, bucket.revision());
    assertEquals(0, latestRevision(bucket, "missing"));
    AtomicBatch mixed = bucket.batch();
    delete(mixed, "missing");
    delete(mixed, "a");
    assertEquals(2, mixed.commit());
    assertEquals(List.of("1:PUT=1", "2:DELETE"), history(bucket, "a"));
  }

  @Test
  void expiredValuesAreExpiredBeforeTheCommitAndKeepExpiryWorks() {
    OffHeapBucket bucket = bucket();
    UnsafeBuffer k = utf8("e");
    UnsafeBuffer v = utf8("old");
    assertEquals(1, bucket.put(k, 0, 1, v, 0, 3, T0 + 1000));
    UnsafeBuffer keep = utf8("keep");
    assertEquals(2, bucket.put(keep, 0, 4, v, 0, 3, T0 + 5000));
    clock.update(T0 + 1000);
    AtomicBatch batch = bucket.batch();
    check(batch, "e", 0);
    UnsafeBuffer nv = utf8("new");
    batch.put(keep, 0, 4, nv, 0, 3, OffHeapBucket.KEEP_EXPIRY);
    batch.put(k, 0, 1, nv, 0, 3, AtomicBatch.SKIP, 0L); // e has no live value: skipped
    assertEquals(4, batch.commit());
    assertEquals(List.of("1:PUT=old", "3:EXPIRE"), history(bucket, "e"));
    RecordInfo info = new RecordInfo();
    bucket.get(keep, 0, 4, null, 0, info);
    assertEquals(4, info.revision());
    assertEquals(T0 + 5000, info.expireAt());
  }

  @Test
  void badArgumentsAndAClosedBucketAreRejected() {
    OffHeapBucket bucket = bucket();
    AtomicBatch batch = bucket.batch();
    UnsafeBuffer k = utf8("k");
    assertThrows(IllegalArgumentException.class, () -> batch.check(k, 0, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> batch.delete(k, 0, 2));
    assertThrows(IllegalArgumentException.class, () -> batch.put(k, 0, 1, k, 0, 1, -5));
    assertEquals(0, batch.size());
    put(batch, "k", "v");
    bucket.close();
    assertThrows(IllegalStateException.class, batch::commit);
    assertThrows(IllegalStateException.class, bucket::batch);
  }

  @Test
  void aCommitThatForcesEvictionStillGetsConsecutiveRevisions() {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(1 << 20).segments(1).history(1));
    String filler = "f".repeat(200);
    for (int i = 0; i < 20_000; i++) {
      put(bucket, "key-" + i, filler);
    }
    long evictionsBefore = bucket.evictions();
    assertTrue(evictionsBefore > 0, "the filler must fill the budget");
    AtomicBatch batch = bucket.batch();
    String big = "b".repeat(3000);
    for (int i = 0; i < 20; i++) {
      put(batch, "batch-" + i, big);
    }
    long last = batch.commit();
    assertTrue(bucket.evictions() > evictionsBefore, "the commit must have evicted");
    for (int i = 0; i < 20; i++) {
      assertEquals(last - 19 + i, latestRevision(bucket, "batch-" + i));
      assertEquals(big, get(bucket, "batch-" + i));
      assertEquals("PUT:batch-" + i, observed.get(last - 19 + i));
    }
    assertEquals(last, bucket.revision());
  }

  @Test
  void transfersKeepTheirSumWhileSingleWritesRace() throws Exception {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(8 << 20).history(2));
    int accounts = 8;
    for (int i = 0; i < accounts; i++) {
      put(bucket, "acct-" + i, "100");
    }
    List<Long> commits = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      int seed = t;
      threads.add(
          new Thread(
              () -> {
                java.util.Random random = new java.util.Random(seed);
                for (int i = 0; i < 3000; i++) {
                  String from = "acct-" + random.nextInt(accounts);
                  String to = "acct-" + random.nextInt(accounts);
                  if (from.equals(to)) {
                    continue;
                  }
                  long fromRevision = latestRevision(bucket, from);
                  String fromValue = get(bucket, from);
                  long toRevision = latestRevision(bucket, to);
                  String toValue = get(bucket, to);
                  if (fromValue == null || toValue == null) {
                    failures.incrementAndGet();
                    continue;
                  }
                  AtomicBatch batch = bucket.batch();
                  check(batch, from, fromRevision);
                  check(batch, to, toRevision);
                  put(batch, from, Integer.toString(Integer.parseInt(fromValue) - 1));
                  put(batch, to, Integer.toString(Integer.parseInt(toValue) + 1));
                  long outcome = batch.commit();
                  if (outcome > 0) {
                    commits.add(outcome);
                    assertEquals("PUT:" + from, observed.get(outcome - 1));
                    assertEquals("PUT:" + to, observed.get(outcome));
                  }
                }
              }));
    }
    threads.add(
        new Thread(
            () -> {
              for (int i = 0; i < 5000; i++) {
                put(bucket, "noise-" + (i % 50), Integer.toString(i));
              }
            }));
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    threads.forEach(t -> t.setUncaughtExceptionHandler((th, e) -> errors.add(e)));
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(List.of(), errors);
    assertEquals(0, failures.get());
    int sum = 0;
    for (int i = 0; i < accounts; i++) {
      sum += Integer.parseInt(get(bucket, "acct-" + i));
    }
    assertEquals(100 * accounts, sum);
    assertTrue(commits.size() > 100, "too few commits succeeded: " + commits.size());
    // Every revision was handed out once: the observer saw each of them, in no gaps.
    long revision = bucket.revision();
    assertEquals(revision, observed.size());
    for (long r = 1; r <= revision; r++) {
      assertTrue(observed.containsKey(r), "revision " + r + " missing");
    }
    assertNull(observed.get(revision + 1));
  }
}
