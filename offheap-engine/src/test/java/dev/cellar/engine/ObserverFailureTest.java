package dev.cellar.engine;

import static dev.cellar.engine.TestBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link MutationObserver} that throws must leave the bucket exactly as if it had returned: every
 * mutation of the call complete (journal, index, history, memory), then the failure thrown to the
 * caller. Each case runs with an exception and with an error, as an observer that copies a large
 * value can run out of memory.
 */
class ObserverFailureTest {
  private final CachedEpochClock clock = new CachedEpochClock();

  /** The operation the observer fails on, or null. */
  private @Nullable RecordOp failOn;

  private int failOnNth;
  private int seenOfOp;
  private Throwable failure = new IllegalStateException("unset");
  private final List<OffHeapBucket> opened = new ArrayList<>();

  /** A scenario run once per kind of failure, each on a bucket of its own. */
  private interface Scenario {
    void run(Throwable failure);
  }

  private static void withEachFailure(Scenario scenario) {
    scenario.run(new IllegalStateException("the observer failed"));
    scenario.run(new OutOfMemoryError("the observer ran out of memory"));
  }

  @AfterEach
  void close() {
    opened.forEach(OffHeapBucket::close);
  }

  private OffHeapBucket open(Throwable failure, BucketConfig.Builder config) {
    this.failure = failure;
    failOn(null, 0);
    clock.update(0);
    OffHeapBucket bucket =
        new OffHeapBucket(
            config.clock(clock).sweepIntervalMillis(0).observer(this::observe).build());
    opened.add(bucket);
    return bucket;
  }

  private void observe(@Nullable RecordView previous, RecordView record) {
    if (record.op() != failOn || (failOnNth > 0 && ++seenOfOp != failOnNth)) {
      return;
    }
    if (failOnNth < 0) {
      throw new IllegalStateException("revision " + record.revision());
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    throw (Error) failure;
  }

  /**
   * Makes the observer fail on the {@code nth} record of {@code op} from now on; 0: on every one;
   * -1: on every one, with a new exception naming the record's revision.
   */
  private void failOn(@Nullable RecordOp op, int nth) {
    failOn = op;
    failOnNth = nth;
    seenOfOp = 0;
  }

  private void assertFailsWithObserverFailure(Runnable call) {
    Throwable thrown = assertThrows(Throwable.class, call::run);
    assertSame(failure, thrown, "the observer's own failure reaches the caller");
  }

  private static long put(OffHeapBucket bucket, String key, String value) {
    UnsafeBuffer k = utf8(key);
    UnsafeBuffer v = utf8(value);
    return bucket.put(k, 0, k.capacity(), v, 0, v.capacity(), 0);
  }

  private static String get(OffHeapBucket bucket, String key) {
    UnsafeBuffer k = utf8(key);
    ExpandableArrayBuffer out = new ExpandableArrayBuffer();
    int length = bucket.get(k, 0, k.capacity(), out, 0, null);
    return length == OffHeapBucket.NOT_FOUND ? "<none>" : TestBytes.text(out, 0, length);
  }

  private static List<String> history(OffHeapBucket bucket, String key) {
    UnsafeBuffer k = utf8(key);
    List<String> records = new ArrayList<>();
    bucket.history(k, 0, k.capacity(), r -> records.add(r.op() + "@" + r.revision()));
    return records;
  }

  /** Deletes every live key and forgets the markers; the bucket is then empty. */
  private static void empty(OffHeapBucket bucket, List<String> keys) {
    for (String key : keys) {
      UnsafeBuffer k = utf8(key);
      if (bucket.containsKey(k, 0, k.capacity())) {
        bucket.delete(k, 0, k.capacity(), WriteOutcome.ANY_REVISION);
      }
    }
    bucket.purgeDeletes();
  }

  /** The revisions a cursor delivers, and where it stands in the journal. */
  private static final class Revisions implements WatchHandler {
    final List<Long> seen = new ArrayList<>();

    @Override
    public void onRecord(RecordView record) {
      seen.add(record.revision());
    }

    /** Polls everything there is; asserts that the cursor reached the bucket's latest revision. */
    void drain(WatchCursor cursor, OffHeapBucket bucket) {
      while (cursor.poll(this, 1000) > 0) {
        // keep polling
      }
      assertEquals(
          bucket.revision() + 1,
          cursor.position(),
          "the cursor stalled at an unjournaled revision");
    }
  }

  private static List<Long> range(long from, long to) {
    List<Long> revisions = new ArrayList<>();
    for (long r = from; r <= to; r++) {
      revisions.add(r);
    }
    return revisions;
  }

  @Test
  void putIsAppliedInFullAndTheFailureThrown() {
    withEachFailure(this::putIsAppliedInFullAndTheFailureThrown);
  }

  private void putIsAppliedInFullAndTheFailureThrown(Throwable failure) {
    OffHeapBucket bucket = open(failure, BucketConfig.builder().maxBytes(4 << 20).history(2));
    long empty = bucket.bytesInUse();
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Revisions watched = new Revisions();
    put(bucket, "k", "v1");
    put(bucket, "k", "v2");
    watched.drain(cursor, bucket);

    failOn(RecordOp.PUT, 1);
    assertFailsWithObserverFailure(() -> put(bucket, "k", "v3"));
    failOn(null, 0);

    assertEquals("v3", get(bucket, "k"));
    assertEquals(3, bucket.revision());
    assertEquals(List.of("PUT@2", "PUT@3"), history(bucket, "k"), "history trimmed to 2");
    assertEquals(2, bucket.recordCount());
    assertEquals(1, bucket.entryCount());
    watched.drain(cursor, bucket);

    assertEquals(4, put(bucket, "k", "v4"));
    assertEquals(List.of("PUT@3", "PUT@4"), history(bucket, "k"));
    watched.drain(cursor, bucket);
    assertEquals(range(1, 4), watched.seen);

    empty(bucket, List.of("k"));
    assertEquals(0, bucket.recordCount());
    assertEquals(empty, bucket.bytesInUse());
  }

  @Test
  void batchIsAppliedInFullWhenTheObserverFailsOnItsSecondWrite() {
    withEachFailure(this::batchIsAppliedInFullWhenTheObserverFailsOnItsSecondWrite);
  }

  private void batchIsAppliedInFullWhenTheObserverFailsOnItsSecondWrite(Throwable failure) {
    OffHeapBucket bucket = open(failure, BucketConfig.builder().maxBytes(4 << 20).segments(4));
    long empty = bucket.bytesInUse();
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Revisions watched = new Revisions();
    List<String> keys = List.of("a", "b", "c", "d", "e");
    AtomicBatch batch = batchOfPuts(bucket, keys.subList(0, 4), "value of ");

    failOn(RecordOp.PUT, 2);
    assertFailsWithObserverFailure(batch::commit);
    failOn(null, 0);

    assertEquals(4, batch.writtenPuts());
    assertEquals(4, bucket.revision());
    for (int i = 0; i < 4; i++) {
      assertEquals("value of " + keys.get(i), get(bucket, keys.get(i)));
      assertEquals(List.of("PUT@" + (i + 1)), history(bucket, keys.get(i)), "in order added");
    }
    assertEquals(4, bucket.entryCount());
    assertEquals(4, bucket.recordCount());
    watched.drain(cursor, bucket);
    assertEquals(range(1, 4), watched.seen);

    assertEquals(5, put(bucket, "e", "value of e"));
    watched.drain(cursor, bucket);
    assertEquals(range(1, 5), watched.seen);

    // The observer fails on every write, in every segment: the earliest failure is the one thrown.
    AtomicBatch again = batchOfPuts(bucket, keys.subList(0, 4), "new value of ");
    failOn(RecordOp.PUT, -1);
    Throwable thrown = assertThrows(IllegalStateException.class, again::commit);
    failOn(null, 0);
    assertEquals("revision 6", thrown.getMessage());
    assertEquals(9, bucket.revision());
    for (int i = 0; i < 4; i++) {
      assertEquals("new value of " + keys.get(i), get(bucket, keys.get(i)));
    }
    watched.drain(cursor, bucket);
    assertEquals(range(1, 9), watched.seen);

    empty(bucket, keys);
    assertEquals(0, bucket.recordCount());
    assertEquals(0, bucket.entryCount());
    assertEquals(empty, bucket.bytesInUse());
  }

  /** A batch putting {@code prefix + key} under each of {@code keys}, in order. */
  private static AtomicBatch batchOfPuts(OffHeapBucket bucket, List<String> keys, String prefix) {
    AtomicBatch batch = bucket.batch();
    for (String key : keys) {
      UnsafeBuffer k = utf8(key);
      UnsafeBuffer v = utf8(prefix + key);
      batch.put(k, 0, k.capacity(), v, 0, v.capacity(), 0);
    }
    return batch;
  }

  @Test
  void purgeFreesTheHistoryAndTheFailureIsThrown() {
    withEachFailure(this::purgeFreesTheHistoryAndTheFailureIsThrown);
  }

  private void purgeFreesTheHistoryAndTheFailureIsThrown(Throwable failure) {
    OffHeapBucket bucket = open(failure, BucketConfig.builder().maxBytes(4 << 20).history(5));
    long empty = bucket.bytesInUse();
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Revisions watched = new Revisions();
    for (int i = 0; i < 3; i++) {
      put(bucket, "k", "value " + i);
    }
    watched.drain(cursor, bucket);

    failOn(RecordOp.PURGE, 1);
    UnsafeBuffer k = utf8("k");
    assertFailsWithObserverFailure(() -> bucket.purge(k, 0, 1, WriteOutcome.ANY_REVISION));
    failOn(null, 0);

    assertEquals(List.of("PURGE@4"), history(bucket, "k"));
    assertEquals(1, bucket.recordCount());
    assertEquals(0, bucket.entryCount());
    watched.drain(cursor, bucket);
    assertEquals(range(1, 4), watched.seen);

    assertEquals(1, bucket.purgeDeletes());
    assertEquals(0, bucket.recordCount());
    assertEquals(empty, bucket.bytesInUse(), "the purged versions were freed");
    assertEquals(5, put(bucket, "k", "again"));
    assertEquals("again", get(bucket, "k"));
  }

  @Test
  void evictionsCompleteAndEveryWriteThatCausedThemIsApplied() {
    withEachFailure(this::evictionsCompleteAndEveryWriteThatCausedThemIsApplied);
  }

  private void evictionsCompleteAndEveryWriteThatCausedThemIsApplied(Throwable failure) {
    OffHeapBucket bucket =
        open(failure, BucketConfig.builder().maxBytes(BucketConfig.MIN_MAX_BYTES).segments(1));
    long empty = bucket.bytesInUse();
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Revisions watched = new Revisions();
    String filler = "x".repeat(3000);
    List<String> keys = new ArrayList<>();
    int failed = 0;
    failOn(RecordOp.EVICT, 0);
    for (int i = 0; i < 1500; i++) {
      String key = "key" + i;
      keys.add(key);
      long evictionsBefore = bucket.evictions();
      long revisionBefore = bucket.revision();
      boolean threw = false;
      try {
        put(bucket, key, filler + i);
      } catch (Throwable thrown) {
        assertSame(failure, thrown);
        threw = true;
        failed++;
      }
      long evicted = bucket.evictions() - evictionsBefore;
      assertEquals(evicted > 0, threw, "a put throws exactly when it evicted");
      assertEquals(revisionBefore + evicted + 1, bucket.revision(), "markers, then the write");
      assertEquals(filler + i, get(bucket, key), "the write that evicted is applied");
      watched.drain(cursor, bucket);
    }
    failOn(null, 0);
    assertTrue(failed > 100, "puts that evicted: " + failed);
    assertEquals(range(1, bucket.revision()), watched.seen);

    empty(bucket, keys);
    assertEquals(0, bucket.recordCount());
    assertEquals(0, bucket.entryCount());
    assertEquals(empty, bucket.bytesInUse(), "every evicted value was freed");
  }

  @Test
  void sweepExpiresEveryDueValueAndThenThrows() {
    withEachFailure(this::sweepExpiresEveryDueValueAndThenThrows);
  }

  private void sweepExpiresEveryDueValueAndThenThrows(Throwable failure) {
    OffHeapBucket bucket = open(failure, BucketConfig.builder().maxBytes(4 << 20).segments(4));
    for (int i = 0; i < 40; i++) {
      UnsafeBuffer k = utf8("key" + i);
      UnsafeBuffer v = utf8("value");
      bucket.put(k, 0, k.capacity(), v, 0, v.capacity(), 5_000);
    }
    clock.update(6_000);

    failOn(RecordOp.EXPIRE, 0);
    assertFailsWithObserverFailure(bucket::sweepExpired);
    failOn(null, 0);

    assertEquals(40, bucket.expirations());
    assertEquals(0, bucket.entryCount());
    assertEquals(80, bucket.revision());
    assertEquals(0, bucket.sweepExpired());
  }
}
