package dev.cellar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Proves that an {@link OffHeapBucket} stays correct under bounded multi-threaded load (2 to 4
 * threads, a few seconds per test): reads are never torn, mixed between keys or older than what the
 * same thread saw before; every revision is handed out exactly once and each key's revisions
 * increase; compare-and-set has one winner per revision; byte accounting matches the JVM's direct
 * buffer pool exactly once the load stops, and the budget holds during it; concurrent watch cursors
 * deliver increasing revisions and converge on the latest state even when lapped; and closing the
 * bucket during load makes other threads see {@link IllegalStateException} and nothing else, and
 * releases every off-heap byte.
 *
 * <p>{@code -Dcellar.stress.millis=<n>} sets the load time per phase (default 2500).
 */
class ConcurrencyStressTest {
  private static final long LOAD_MILLIS = Long.getLong("cellar.stress.millis", 2500);
  private static final long NOW = 1_700_000_000_000L;
  private static final long MIB = 1L << 20;

  /** Header of a test value: key id, total length, version; a checksum closes the value. */
  private static final int VALUE_HEADER = 16;

  private static final int MIN_VALUE = VALUE_HEADER + 8;

  // ---------------------------------------------------------------- torn and stale reads

  /**
   * Writers keep replacing, deleting, purging and expiring values of 512 keys in a bucket small
   * enough to evict (so records are rewritten in place under the readers), while readers check
   * every value they get: right key, right length, intact checksum, and never an older revision of
   * a key than the one they saw last.
   */
  @Test
  void readsAreNeverTornMixedOrStale() throws InterruptedException {
    int keys = 512;
    CachedEpochClock clock = new CachedEpochClock();
    clock.update(NOW);
    Failures failures = new Failures();
    MutationObserver observer =
        (previous, record) -> {
          if (record.op() == RecordOp.PUT) {
            String problem =
                checkValue(
                    record.buffer(), record.valueOffset(), record.valueLength(), keyIdOf(record));
            if (problem != null) {
              failures.add(new AssertionError("written: " + problem));
            }
          }
        };
    LongAdder verified = new LongAdder();
    try (OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(8 * MIB)
                .segments(2)
                .history(3)
                .clock(clock)
                .sweepIntervalMillis(0)
                .observer(observer)
                .build())) {
      UnsafeBuffer[] keyBuffers = keyBuffers(keys);
      Workers workers = new Workers(failures);
      for (int w = 0; w < 2; w++) {
        boolean ticks = w == 0;
        workers.start(
            "writer-" + w,
            (random, deadline) -> {
              Writer writer = new Writer(bucket, keyBuffers, random);
              while (workers.running(deadline)) {
                int id = random.nextInt(keys);
                int roll = random.nextInt(100);
                if (roll < 70) {
                  long expireAt = roll < 10 ? clock.time() + 1 + random.nextInt(40) : 0;
                  writer.put(id, expireAt);
                } else if (roll < 80) {
                  writer.updateFromRead(id);
                } else if (roll < 88) {
                  bucket.delete(
                      keyBuffers[id], 0, keyBuffers[id].capacity(), WriteOutcome.ANY_REVISION);
                } else if (roll < 92) {
                  bucket.purge(
                      keyBuffers[id], 0, keyBuffers[id].capacity(), WriteOutcome.ANY_REVISION);
                } else if (roll < 96) {
                  bucket.touch(
                      keyBuffers[id],
                      0,
                      keyBuffers[id].capacity(),
                      clock.time() + 1 + random.nextInt(40));
                } else if (ticks && roll < 98) {
                  // Only one thread moves the clock: CachedEpochClock.advance is not atomic.
                  clock.advance(1 + random.nextInt(10));
                } else if (roll < 99) {
                  bucket.sweepExpired();
                } else if (random.nextInt(20) == 0) {
                  bucket.purgeDeletes();
                }
              }
            });
      }
      for (int r = 0; r < 2; r++) {
        workers.start(
            "reader-" + r,
            (random, deadline) -> {
              Reader reader = new Reader(bucket, keyBuffers, verified);
              while (workers.running(deadline)) {
                int id = random.nextInt(keys);
                int roll = random.nextInt(100);
                if (roll < 75) {
                  reader.get(id);
                } else if (roll < 85) {
                  reader.history(id);
                } else if (roll < 92) {
                  reader.latest(id);
                } else if (roll < 99) {
                  reader.atRevision(id);
                } else {
                  reader.iterate(random.nextInt(64));
                }
              }
            });
      }
      workers.runFor(LOAD_MILLIS);
      assertTrue(verified.sum() > 10_000, "too few reads to mean anything: " + verified.sum());
      assertTrue(bucket.evictions() > 0, "the budget should have forced evictions");
      assertTrue(bucket.expirations() > 0, "values should have expired");
    }
  }

  // ---------------------------------------------------------------- revisions and CAS

  /**
   * Three writers fight over 16 keys with puts, compare-and-set updates, conditional deletes and
   * purges. The observer proves that every revision is handed out once, that each key's revisions
   * increase and chain onto the previous one, and that every conditional write that succeeded
   * replaced exactly the revision it expected; no expected revision has two winners.
   */
  @Test
  void revisionsAreUniqueAndIncreasePerKey() throws InterruptedException {
    int keys = 16;
    int maxRevisions = 1 << 26;
    Failures failures = new Failures();
    AtomicLongArray seen = new AtomicLongArray(maxRevisions / 64);
    AtomicLongArray consumed = new AtomicLongArray(maxRevisions / 64);
    long[] lastRevision = new long[keys];
    boolean[] lastWasMarker = new boolean[keys];
    LongAdder observations = new LongAdder();
    LongAdder unasked = new LongAdder();
    ThreadLocal<long[]> expectation = ThreadLocal.withInitial(() -> new long[] {-1, 0});
    MutationObserver observer =
        (previous, record) -> {
          long revision = record.revision();
          int id = keyIdOf(record);
          observations.increment();
          if (revision >= maxRevisions) {
            failures.add(
                new AssertionError("more revisions than this test can track: " + revision));
            return;
          }
          if (!setBit(seen, revision)) {
            failures.add(new AssertionError("revision " + revision + " handed out twice"));
            return;
          }
          // The key's segment lock is held, so lastRevision[id] is only touched under it.
          long last = lastRevision[id];
          if (revision <= last) {
            failures.add(
                new AssertionError("key " + id + " went from " + last + " to " + revision));
          }
          if (previous == null) {
            if (last != 0 && !lastWasMarker[id]) {
              failures.add(new AssertionError("key " + id + " lost its live value " + last));
            }
          } else if (previous.revision() != last) {
            failures.add(
                new AssertionError(
                    "key "
                        + id
                        + " at "
                        + revision
                        + " replaced "
                        + previous.revision()
                        + " but its latest was "
                        + last));
          }
          long[] asked = expectation.get();
          if (asked[0] == id && record.op() != RecordOp.EXPIRE && record.op() != RecordOp.EVICT) {
            if (asked[1] > 0 && (previous == null || previous.revision() != asked[1])) {
              failures.add(
                  new AssertionError(
                      "key "
                          + id
                          + " expected "
                          + asked[1]
                          + " but replaced "
                          + (previous == null ? "nothing" : previous.revision())));
            }
          } else {
            unasked.increment();
          }
          lastRevision[id] = revision;
          lastWasMarker[id] = record.op().isMarker();
        };
    LongAdder writes = new LongAdder();
    try (OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(16 * MIB)
                .segments(4)
                .history(4)
                .sweepIntervalMillis(0)
                .observer(observer)
                .build())) {
      UnsafeBuffer[] keyBuffers = keyBuffers(keys);
      Workers workers = new Workers(failures);
      for (int w = 0; w < 3; w++) {
        workers.start(
            "writer-" + w,
            (random, deadline) -> {
              Writer writer = new Writer(bucket, keyBuffers, random);
              RecordInfo info = new RecordInfo();
              long[] asked = expectation.get();
              while (workers.running(deadline)) {
                int id = random.nextInt(keys);
                UnsafeBuffer key = keyBuffers[id];
                int length = bucket.get(key, 0, key.capacity(), null, 0, info);
                long current = length == OffHeapBucket.NOT_FOUND ? 0 : info.revision();
                int roll = random.nextInt(100);
                if (roll == 99) {
                  bucket.purgeDeletes();
                  continue;
                }
                // Every third write is unconditional; of the rest most expect what was just read.
                long expected =
                    roll % 3 == 0 ? WriteOutcome.ANY_REVISION : roll >= 90 ? 0 : current;
                asked[0] = id;
                asked[1] = expected;
                long outcome;
                if (roll < 45 || roll >= 90) {
                  outcome =
                      expected == WriteOutcome.ANY_REVISION
                          ? writer.put(id, 0)
                          : writer.update(id, expected);
                } else if (roll < 75) {
                  outcome = bucket.delete(key, 0, key.capacity(), expected);
                } else {
                  outcome = bucket.purge(key, 0, key.capacity(), expected);
                }
                asked[0] = -1;
                if (WriteOutcome.succeeded(outcome)) {
                  writes.increment();
                  if (expected > 0 && !setBit(consumed, expected)) {
                    failures.add(
                        new AssertionError("two writes won on expected revision " + expected));
                  }
                }
              }
            });
      }
      workers.runFor(LOAD_MILLIS);
      long revision = bucket.revision();
      assertTrue(revision > 10_000, "too few writes to mean anything: " + revision);
      assertEquals(revision, observations.sum(), "one observation per revision");
      for (long r = 1; r <= revision; r++) {
        if (!getBit(seen, r)) {
          fail("revision " + r + " was never observed");
        }
      }
      assertEquals(
          revision,
          writes.sum() + bucket.evictions() + bucket.expirations(),
          "every revision is a successful write, an eviction or an expiry");
      assertEquals(
          bucket.evictions() + bucket.expirations(),
          unasked.sum(),
          "only evictions and expiries happen unasked");
    }
  }

  // ---------------------------------------------------------------- bytes

  /**
   * Writers churn values of every size, some of a whole page, through a bucket that must evict; a
   * sampler checks continuously that neither the bucket's figures nor the JVM's own direct buffer
   * pool (garbage included) ever exceed the budget: emptied pages and replaced index tables are
   * pooled for reuse, never left to the collector. Whenever the load pauses, the bytes the bucket
   * reserves equal, to the byte, the direct memory the JVM holds for it; purging every key returns
   * the bytes in use to the empty bucket's figure, and closing returns the JVM's pool to where it
   * was before the bucket existed.
   */
  @Test
  void byteAccountingMatchesTheDirectPoolAndTheBudgetHolds() throws InterruptedException {
    int keys = 4096;
    long baseline = DirectPool.settledBytes(-1);
    long maxBytes = 8 * MIB;
    LongAdder observed = new LongAdder();
    // With an observer the segments wrap views around records, which must not pin freed pages.
    OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(maxBytes)
                .segments(2)
                .history(2)
                .sweepIntervalMillis(0)
                .observer((previous, record) -> observed.increment())
                .build());
    try {
      long empty = bucket.bytesInUse();
      assertEquals(
          baseline + empty,
          DirectPool.settledBytes(baseline + empty),
          "a new bucket's direct memory");
      UnsafeBuffer[] keyBuffers = keyBuffers(keys);
      long[] highest = new long[1];
      for (int phase = 0; phase < 3; phase++) {
        Failures failures = new Failures();
        Workers workers = new Workers(failures);
        for (int w = 0; w < 2; w++) {
          workers.start(
              "writer-" + w,
              (random, deadline) -> {
                Writer writer = new Writer(bucket, keyBuffers, random);
                while (workers.running(deadline)) {
                  int id = random.nextInt(keys);
                  int roll = random.nextInt(100);
                  if (roll < 85) {
                    writer.put(id, 0);
                  } else if (roll < 95) {
                    bucket.delete(
                        keyBuffers[id], 0, keyBuffers[id].capacity(), WriteOutcome.ANY_REVISION);
                  } else if (roll < 99) {
                    bucket.purge(
                        keyBuffers[id], 0, keyBuffers[id].capacity(), WriteOutcome.ANY_REVISION);
                  } else {
                    bucket.purgeDeletes();
                  }
                }
              });
        }
        workers.start(
            "sampler",
            (random, deadline) -> {
              while (workers.running(deadline)) {
                long bytes = bucket.bytesInUse();
                long reserved = bucket.bytesReserved();
                if (bytes > maxBytes || reserved > maxBytes) {
                  throw new AssertionError(
                      "bytes in use "
                          + bytes
                          + " or reserved "
                          + reserved
                          + " exceed the budget "
                          + maxBytes);
                }
                // The JVM's own count, garbage included: emptied pages are pooled, never dropped;
                // only index tables replaced by a resize wait for the collector, a few pages'
                // worth.
                long direct = DirectPool.rawBytes() - baseline;
                if (direct > maxBytes) {
                  throw new AssertionError(
                      "the JVM's direct pool holds "
                          + direct
                          + " bytes for a budget of "
                          + maxBytes
                          + ", the bucket reserves "
                          + bucket.bytesReserved()
                          + ", uses "
                          + bucket.bytesInUse());
                }
                highest[0] = Math.max(highest[0], bytes);
                Thread.onSpinWait();
              }
            });
        workers.runFor(LOAD_MILLIS / 3);
        long bytes = bucket.bytesReserved();
        assertEquals(
            baseline + bytes,
            DirectPool.settledBytes(baseline + bytes),
            "direct memory after load phase " + phase + " (the bucket reserves " + bytes + ")");
      }
      assertTrue(bucket.evictions() > 0, "the budget should have forced evictions");
      assertTrue(highest[0] > maxBytes * 3 / 4, "the load should fill the budget: " + highest[0]);
      assertEquals(bucket.revision(), observed.sum(), "one observation per revision");

      for (int id = 0; id < keys; id++) {
        bucket.purge(keyBuffers[id], 0, keyBuffers[id].capacity(), WriteOutcome.ANY_REVISION);
      }
      // Writing the PURGE markers may itself evict some of them: fewer keys may be left.
      assertTrue(bucket.purgeDeletes() <= keys);
      assertEquals(0, bucket.recordCount());
      assertEquals(0, bucket.entryCount());
      assertEquals(empty, bucket.bytesInUse(), "an emptied bucket owns what a new one does");
      // Emptied pages stay pooled for reuse: the JVM sees what the bucket reserves.
      assertEquals(
          baseline + bucket.bytesReserved(),
          DirectPool.settledBytes(baseline + bucket.bytesReserved()),
          "direct memory of the emptied bucket");
    } finally {
      bucket.close();
    }
    // The bucket object is still referenced here: close alone must let its memory go.
    assertTrue(bucket.isClosed());
    assertEquals(baseline, DirectPool.settledBytes(baseline), "direct memory after close");
  }

  // ---------------------------------------------------------------- watch cursors

  /**
   * Two writers change 256 keys while two threads follow a small journal: one cursor keeps up, the
   * other polls only after being lapped. Both must deliver strictly increasing revisions of intact
   * records, the lagging one must resync, and once the writers stop both must have delivered the
   * latest record of every key that still has one.
   */
  @Test
  void watchCursorsSeeIncreasingRevisionsAndConverge() throws InterruptedException {
    int keys = 256;
    int journal = 1024;
    Failures failures = new Failures();
    try (OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(8 * MIB)
                .segments(2)
                .history(2)
                .journalSize(journal)
                .sweepIntervalMillis(0)
                .build())) {
      UnsafeBuffer[] keyBuffers = keyBuffers(keys);
      Follower eager = new Follower(bucket.watch(WatchStart.LAST_PER_KEY, 0), keys);
      Follower lagging = new Follower(bucket.watch(WatchStart.INCLUDE_HISTORY, 0), keys);
      Workers workers = new Workers(failures);
      for (int w = 0; w < 2; w++) {
        workers.start(
            "writer-" + w,
            (random, deadline) -> {
              Writer writer = new Writer(bucket, keyBuffers, random);
              while (workers.running(deadline)) {
                int id = random.nextInt(keys);
                int roll = random.nextInt(100);
                if (roll < 75) {
                  writer.put(id, 0);
                } else if (roll < 92) {
                  bucket.delete(
                      keyBuffers[id], 0, keyBuffers[id].capacity(), WriteOutcome.ANY_REVISION);
                } else {
                  bucket.purge(
                      keyBuffers[id], 0, keyBuffers[id].capacity(), WriteOutcome.ANY_REVISION);
                }
              }
            });
      }
      workers.start(
          "eager-watcher",
          (random, deadline) -> {
            while (workers.running(deadline)) {
              eager.poll(1 + random.nextInt(64));
            }
          });
      workers.start(
          "lagging-watcher",
          (random, deadline) -> {
            while (workers.running(deadline)) {
              // Falls a few journal lengths behind, then catches up in one go.
              if (bucket.revision() >= lagging.cursor.position() + 3L * journal) {
                while (lagging.poll(256) > 0) {
                  Thread.onSpinWait();
                }
              } else {
                Thread.yield();
              }
            }
          });
      workers.runFor(LOAD_MILLIS);
      eager.drain();
      lagging.drain();
      assertTrue(lagging.cursor.resyncs() > 0, "the lagging cursor should have been lapped");
      assertTrue(eager.delivered > 1000, "too few deliveries: " + eager.delivered);
      for (int id = 0; id < keys; id++) {
        long[] latest = {0, -1};
        UnsafeBuffer key = keyBuffers[id];
        if (bucket.latest(
            key,
            0,
            key.capacity(),
            r -> {
              latest[0] = r.revision();
              latest[1] = r.op().code();
            })) {
          for (Follower follower : List.of(eager, lagging)) {
            assertEquals(latest[0], follower.lastRevision[id], "latest revision of key " + id);
            assertEquals(latest[1], follower.lastOp[id], "latest operation of key " + id);
          }
        }
      }
    }
  }

  /**
   * Writers put, delete and purge many more keys than a small budget holds, and a third thread
   * purges deletes, so markers are forgotten all the time (by purge-deletes, the CLOCK hand and the
   * marker ring), mostly before the lagging cursor reads them, and some beyond the small allowance
   * for them. Once the writers stop, every cursor's view must be the bucket's state: a key with a
   * record was last delivered at that record, and a key without one was last delivered as a marker,
   * or never.
   */
  @Test
  void watchCursorsConvergeWhileMarkersAreForgotten() throws InterruptedException {
    int keys = 4096;
    int journal = 4096;
    Failures failures = new Failures();
    try (OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(2 * MIB)
                .segments(2)
                .history(2)
                .journalSize(journal)
                .forgottenMarkerBytes(256 * 1024)
                .sweepIntervalMillis(0)
                .build())) {
      UnsafeBuffer[] keyBuffers = keyBuffers(keys);
      Follower eager = new Follower(bucket.watch(WatchStart.LAST_PER_KEY, 0), keys);
      Follower lagging = new Follower(bucket.watch(WatchStart.UPDATES_ONLY, 0), keys);
      Workers workers = new Workers(failures);
      for (int w = 0; w < 2; w++) {
        workers.start(
            "writer-" + w,
            (random, deadline) -> {
              Writer writer = new Writer(bucket, keyBuffers, random);
              while (workers.running(deadline)) {
                int id = random.nextInt(keys);
                int roll = random.nextInt(100);
                UnsafeBuffer key = keyBuffers[id];
                if (roll < 70) {
                  writer.put(id, 0);
                } else if (roll < 95) {
                  bucket.delete(key, 0, key.capacity(), WriteOutcome.ANY_REVISION);
                } else {
                  bucket.purge(key, 0, key.capacity(), WriteOutcome.ANY_REVISION);
                }
              }
            });
      }
      workers.start(
          "purger",
          (random, deadline) -> {
            while (workers.running(deadline)) {
              bucket.purgeDeletes();
              Thread.sleep(random.nextInt(3));
            }
          });
      workers.start(
          "eager-watcher",
          (random, deadline) -> {
            while (workers.running(deadline)) {
              eager.poll(1 + random.nextInt(64));
            }
          });
      workers.start(
          "lagging-watcher",
          (random, deadline) -> {
            while (workers.running(deadline)) {
              // Falls up to half a journal behind, then catches up in one go.
              if (bucket.revision() >= lagging.cursor.position() + random.nextInt(journal / 2)) {
                while (lagging.poll(256) > 0) {
                  Thread.onSpinWait();
                }
              } else {
                Thread.yield();
              }
            }
          });
      workers.runFor(LOAD_MILLIS);
      failures.check();
      bucket.purgeDeletes();
      eager.drain();
      lagging.drain();
      assertTrue(bucket.evictions() > 0, "the budget should have evicted");
      for (int id = 0; id < keys; id++) {
        long[] latest = {0, -1};
        UnsafeBuffer key = keyBuffers[id];
        boolean exists =
            bucket.latest(
                key,
                0,
                key.capacity(),
                r -> {
                  latest[0] = r.revision();
                  latest[1] = r.op().code();
                });
        for (Follower follower : List.of(eager, lagging)) {
          String which = (follower == eager ? "eager" : "lagging") + " cursor, key " + id;
          if (exists) {
            assertEquals(latest[0], follower.lastRevision[id], "latest revision, " + which);
            assertEquals(latest[1], follower.lastOp[id], "latest operation, " + which);
          } else if (follower.lastRevision[id] != 0) {
            assertTrue(
                follower.lastOp[id] != RecordOp.PUT.code(),
                "a forgotten key was last delivered as a value at revision "
                    + follower.lastRevision[id]
                    + ", "
                    + which);
          }
        }
      }
    }
    failures.check();
  }

  /** One thread's view of a watch cursor; checks every record it is handed. */
  private static final class Follower implements WatchHandler {
    final WatchCursor cursor;
    final long[] lastRevision;
    final int[] lastOp;
    long previous;
    long delivered;
    int endOfData;

    Follower(WatchCursor cursor, int keys) {
      this.cursor = cursor;
      this.lastRevision = new long[keys];
      this.lastOp = new int[keys];
    }

    int poll(int limit) {
      return cursor.poll(this, limit);
    }

    void drain() {
      while (poll(1024) > 0) {
        Thread.onSpinWait();
      }
      assertEquals(1 + cursor.resets(), endOfData, "end-of-data once, and once per reset");
    }

    @Override
    public void onReset() {
      // What this follower learned is void: the replay that follows rebuilds it.
      Arrays.fill(lastRevision, 0);
      Arrays.fill(lastOp, 0);
      previous = 0;
    }

    @Override
    public void onRecord(RecordView record) {
      long revision = record.revision();
      if (revision <= previous) {
        throw new AssertionError("watch went from " + previous + " to " + revision);
      }
      previous = revision;
      int id = keyIdOf(record);
      if (record.op() == RecordOp.PUT) {
        String problem =
            checkValue(record.buffer(), record.valueOffset(), record.valueLength(), id);
        if (problem != null) {
          throw new AssertionError("delivered: " + problem);
        }
      }
      lastRevision[id] = revision;
      lastOp[id] = record.op().code();
      delivered++;
    }

    @Override
    public void onEndOfData() {
      endOfData++;
    }
  }

  // ---------------------------------------------------------------- close

  /**
   * Round after round, three threads run every kind of call while the bucket is closed under them.
   * Calls in flight may finish or throw {@link IllegalStateException}; calls that start after
   * close() returned must throw it; no other exception may escape and the JVM must not crash.
   * Afterwards the JVM's direct pool is back where it started.
   */
  @Test
  void closeDuringLoadThrowsOnlyIllegalStateException() throws InterruptedException {
    long baseline = DirectPool.settledBytes(-1);
    int keys = 256;
    UnsafeBuffer[] keyBuffers = keyBuffers(keys);
    CachedEpochClock clock = new CachedEpochClock();
    clock.update(NOW);
    long rounds = Math.max(4, LOAD_MILLIS / 200);
    for (int round = 0; round < rounds; round++) {
      Failures failures = new Failures();
      OffHeapBucket bucket =
          new OffHeapBucket(
              BucketConfig.builder()
                  .maxBytes(4 * MIB)
                  .history(3)
                  .clock(clock)
                  .sweepIntervalMillis(0)
                  // An observer makes writes take the observer's code paths too.
                  .observer((previous, record) -> record.revision())
                  .build());
      AtomicLongArray calls = new AtomicLongArray(3);
      boolean[] closeReturned = new boolean[1];
      Object closeSignal = new Object();
      LongAdder closedSeen = new LongAdder();
      Workers workers = new Workers(failures);
      for (int w = 0; w < 3; w++) {
        int worker = w;
        workers.start(
            "worker-" + w,
            (random, deadline) -> {
              Writer writer = new Writer(bucket, keyBuffers, random);
              // Opened before main may close: main waits for calls from every worker.
              WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 0);
              ExpandableArrayBuffer destination = new ExpandableArrayBuffer(256);
              int afterClose = 0;
              while (afterClose < 50) {
                boolean mustThrow;
                synchronized (closeSignal) {
                  mustThrow = closeReturned[0];
                }
                try {
                  anyCall(bucket, writer, cursor, destination, keyBuffers, random);
                  calls.incrementAndGet(worker);
                  if (mustThrow) {
                    throw new AssertionError("a call that started after close() returned worked");
                  }
                } catch (IllegalStateException expected) {
                  if (!bucket.isClosed()) {
                    throw new AssertionError("IllegalStateException from an open bucket", expected);
                  }
                  closedSeen.increment();
                  afterClose++;
                }
              }
            });
      }
      workers.launch(Long.MAX_VALUE);
      // Every worker must be in full swing when the bucket closes under it.
      long warmUp = 200L + new SplittableRandom().nextInt(2000);
      while (Math.min(calls.get(0), Math.min(calls.get(1), calls.get(2))) < warmUp
          && failures.isEmpty()) {
        Thread.onSpinWait();
      }
      bucket.close();
      synchronized (closeSignal) {
        closeReturned[0] = true;
      }
      workers.join();
      failures.check();
      assertEquals(3 * 50, closedSeen.sum());
      assertTrue(bucket.isClosed());
      bucket.close();
      assertEquals(4 * MIB, bucket.maxBytes());
      assertEquals(4 * MIB, bucket.config().maxBytes());
      assertThrows(IllegalStateException.class, bucket::bytesInUse);
      assertThrows(IllegalStateException.class, bucket::revision);
    }
    assertEquals(baseline, DirectPool.settledBytes(baseline), "direct memory after the rounds");
  }

  /** One random call of any kind, its results checked where they must be exact. */
  private static void anyCall(
      OffHeapBucket bucket,
      Writer writer,
      WatchCursor cursor,
      ExpandableArrayBuffer destination,
      UnsafeBuffer[] keyBuffers,
      SplittableRandom random) {
    int id = random.nextInt(keyBuffers.length);
    UnsafeBuffer key = keyBuffers[id];
    switch (random.nextInt(16)) {
      case 0, 1, 2 -> writer.put(id, 0);
      case 3 -> writer.update(id, 0);
      case 4 -> bucket.delete(key, 0, key.capacity(), WriteOutcome.ANY_REVISION);
      case 5 -> bucket.purge(key, 0, key.capacity(), WriteOutcome.ANY_REVISION);
      case 6, 7 -> {
        int length = bucket.get(key, 0, key.capacity(), destination, 0, null);
        if (length != OffHeapBucket.NOT_FOUND) {
          assertValue(destination, 0, length, id);
        }
      }
      case 8 -> bucket.history(key, 0, key.capacity(), r -> r.valueBytes());
      case 9 -> bucket.latest(key, 0, key.capacity(), r -> r.valueBytes());
      case 10 ->
          bucket.atRevision(key, 0, key.capacity(), 1 + random.nextInt(1000), r -> r.valueBytes());
      case 11 -> {
        EntryCursor entries = bucket.entries();
        for (int i = 0; i < 32 && entries.next(); i++) {
          RecordView view = entries.current();
          assertValue(view.buffer(), view.valueOffset(), view.valueLength(), keyIdOf(view));
        }
      }
      case 12 -> cursor.poll(r -> r.valueBytes(), 64);
      case 13 -> bucket.touch(key, 0, key.capacity(), NOW + 1000);
      case 14 -> {
        bucket.bytesInUse();
        bucket.entryCount();
        bucket.recordCount();
        bucket.revision();
      }
      default -> {
        if (random.nextInt(8) == 0) {
          bucket.sweepExpired();
        } else if (random.nextInt(8) == 0) {
          bucket.purgeDeletes();
        } else {
          bucket.containsKey(key, 0, key.capacity());
        }
      }
    }
  }

  // ---------------------------------------------------------------- workload helpers

  /** Writes self-checking values: key id, length, version, pseudo-random body, checksum. */
  private static final class Writer {
    private final OffHeapBucket bucket;
    private final UnsafeBuffer[] keyBuffers;
    private final SplittableRandom random;
    private final UnsafeBuffer value;
    private final RecordInfo info = new RecordInfo();
    private final int largeLength;
    private long version;

    Writer(OffHeapBucket bucket, UnsafeBuffer[] keyBuffers, SplittableRandom random) {
      this.bucket = bucket;
      this.keyBuffers = keyBuffers;
      this.random = random;
      int quarterPage = bucket.config().pageSize() / 4;
      this.largeLength =
          (int)
              Math.min(
                  quarterPage + quarterPage / 2,
                  bucket.maxRecordLength() - OffHeapBucket.recordOverhead() - 64);
      this.value = new UnsafeBuffer(new byte[Math.max(largeLength, 16 * 1024)]);
    }

    long put(int id, long expireAt) {
      int length = encode(id);
      UnsafeBuffer key = keyBuffers[id];
      return bucket.put(key, 0, key.capacity(), value, 0, length, expireAt);
    }

    long update(int id, long expected) {
      int length = encode(id);
      UnsafeBuffer key = keyBuffers[id];
      return bucket.update(key, 0, key.capacity(), value, 0, length, 0, expected);
    }

    /** Reads the key's revision, then writes only if nobody changed the key meanwhile. */
    void updateFromRead(int id) {
      UnsafeBuffer key = keyBuffers[id];
      int found = bucket.get(key, 0, key.capacity(), null, 0, info);
      update(id, found == OffHeapBucket.NOT_FOUND ? 0 : info.revision());
    }

    private int encode(int id) {
      int roll = random.nextInt(1000);
      int length;
      if (roll < 900) {
        length = MIN_VALUE + random.nextInt(1000);
      } else if (roll < 990) {
        length = 1024 + random.nextInt(7 * 1024);
      } else {
        // Larger than a quarter page: the record gets a buffer of its own.
        length = largeLength - random.nextInt(largeLength / 3);
      }
      encodeValue(value, id, ++version, length);
      return length;
    }
  }

  /** Reads and checks values; remembers per key the newest revision this thread has seen. */
  private static final class Reader {
    private final OffHeapBucket bucket;
    private final UnsafeBuffer[] keyBuffers;
    private final LongAdder verified;
    private final ExpandableArrayBuffer destination = new ExpandableArrayBuffer(1024);
    private final RecordInfo info = new RecordInfo();
    private final long[] newest;
    private long previousInHistory;

    Reader(OffHeapBucket bucket, UnsafeBuffer[] keyBuffers, LongAdder verified) {
      this.bucket = bucket;
      this.keyBuffers = keyBuffers;
      this.verified = verified;
      this.newest = new long[keyBuffers.length];
    }

    void get(int id) {
      UnsafeBuffer key = keyBuffers[id];
      int offset = id % 8;
      int length = bucket.get(key, 0, key.capacity(), destination, offset, info);
      if (length == OffHeapBucket.NOT_FOUND) {
        return;
      }
      assertValue(destination, offset, length, id);
      assertEquals(length, info.valueLength());
      saw(id, info.revision());
      verified.increment();
    }

    void history(int id) {
      UnsafeBuffer key = keyBuffers[id];
      previousInHistory = 0;
      long[] head = {0};
      bucket.history(
          key,
          0,
          key.capacity(),
          record -> {
            assertEquals(id, keyIdOf(record));
            if (record.revision() <= previousInHistory) {
              throw new AssertionError("history out of order at " + record.revision());
            }
            previousInHistory = record.revision();
            head[0] = record.revision();
            if (record.op() == RecordOp.PUT) {
              assertValue(record.buffer(), record.valueOffset(), record.valueLength(), id);
            } else {
              assertEquals(0, record.valueLength());
            }
          });
      if (head[0] != 0) {
        saw(id, head[0]);
        verified.increment();
      }
    }

    void latest(int id) {
      UnsafeBuffer key = keyBuffers[id];
      bucket.latest(
          key,
          0,
          key.capacity(),
          record -> {
            assertEquals(id, keyIdOf(record));
            if (record.op() == RecordOp.PUT) {
              assertValue(record.buffer(), record.valueOffset(), record.valueLength(), id);
            }
            saw(id, record.revision());
            verified.increment();
          });
    }

    void atRevision(int id) {
      long wanted = newest[id];
      if (wanted == 0) {
        return;
      }
      UnsafeBuffer key = keyBuffers[id];
      bucket.atRevision(
          key,
          0,
          key.capacity(),
          wanted,
          record -> {
            assertEquals(wanted, record.revision());
            assertEquals(id, keyIdOf(record));
            if (record.op() == RecordOp.PUT) {
              assertValue(record.buffer(), record.valueOffset(), record.valueLength(), id);
            }
            verified.increment();
          });
    }

    void iterate(int limit) {
      EntryCursor entries = bucket.entries();
      for (int i = 0; i < limit && entries.next(); i++) {
        RecordView view = entries.current();
        assertEquals(RecordOp.PUT, view.op());
        int id = keyIdOf(view);
        assertValue(view.buffer(), view.valueOffset(), view.valueLength(), id);
        saw(id, view.revision());
        verified.increment();
      }
    }

    private void saw(int id, long revision) {
      if (revision < newest[id]) {
        throw new AssertionError(
            "key "
                + id
                + " read at revision "
                + revision
                + " after this thread had seen "
                + newest[id]);
      }
      newest[id] = revision;
    }
  }

  /** Failures collected from any thread, checked by the test's own thread. */
  private static final class Failures {
    private final Queue<Throwable> queue = new ConcurrentLinkedQueue<>();

    void add(Throwable failure) {
      queue.add(failure);
    }

    boolean isEmpty() {
      return queue.isEmpty();
    }

    void check() {
      Throwable first = queue.peek();
      if (first != null) {
        AssertionError error =
            new AssertionError(queue.size() + " failure(s), first: " + first, first);
        queue.stream().skip(1).limit(10).forEach(error::addSuppressed);
        throw error;
      }
    }
  }

  /** A body of work for one thread, with its own seeded random numbers. */
  @FunctionalInterface
  private interface Body {
    void run(SplittableRandom random, long deadline) throws Exception;
  }

  /** Threads that run until a deadline or the first failure. */
  private static final class Workers {
    private final Failures failures;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Body> bodies = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private volatile boolean failed;

    Workers(Failures failures) {
      this.failures = failures;
    }

    void start(String name, Body body) {
      names.add(name);
      bodies.add(body);
    }

    /** True while there is time left and no thread has failed. */
    boolean running(long deadline) {
      return !failed && System.nanoTime() < deadline;
    }

    /** Runs every body until {@code millis} have passed, then checks for failures. */
    void runFor(long millis) throws InterruptedException {
      launch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
      join();
      failures.check();
    }

    /** Starts every body; each runs until it ends by itself or {@code deadline} passes. */
    void launch(long deadline) {
      SplittableRandom seeds = new SplittableRandom();
      for (int i = 0; i < bodies.size(); i++) {
        Body body = bodies.get(i);
        long seed = seeds.nextLong();
        String name = names.get(i);
        Thread thread =
            new Thread(
                () -> {
                  try {
                    body.run(new SplittableRandom(seed), deadline);
                  } catch (Throwable t) {
                    failed = true;
                    failures.add(new AssertionError(name + " (seed " + seed + ") failed: " + t, t));
                  }
                },
                name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    void join() throws InterruptedException {
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(thread.isAlive(), thread.getName() + " is stuck");
      }
    }
  }

  // ---------------------------------------------------------------- values and keys

  private static UnsafeBuffer[] keyBuffers(int keys) {
    UnsafeBuffer[] buffers = new UnsafeBuffer[keys];
    for (int id = 0; id < keys; id++) {
      byte[] bytes = new byte[4 + (id % 3) * 9];
      new UnsafeBuffer(bytes).putInt(0, id);
      for (int i = 4; i < bytes.length; i++) {
        bytes[i] = (byte) (id + i);
      }
      buffers[id] = new UnsafeBuffer(bytes);
    }
    return buffers;
  }

  private static int keyIdOf(RecordView record) {
    return record.buffer().getInt(record.keyOffset());
  }

  private static void encodeValue(MutableDirectBuffer buffer, int id, long version, int length) {
    buffer.putInt(0, id);
    buffer.putInt(4, length);
    buffer.putLong(8, version);
    long state = id * 0x9E3779B97F4A7C15L + version;
    int body = length - 8;
    int i = VALUE_HEADER;
    for (; i + 8 <= body; i += 8) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      buffer.putLong(i, state);
    }
    for (; i < body; i++) {
      buffer.putByte(i, (byte) version);
    }
    buffer.putLong(body, checksum(buffer, 0, body));
  }

  /** Null when the value is intact and belongs to key {@code id}; otherwise what is wrong. */
  private static String checkValue(DirectBuffer buffer, int offset, int length, int id) {
    if (length < MIN_VALUE) {
      return "key " + id + ": value of " + length + " bytes";
    }
    int storedId = buffer.getInt(offset);
    int storedLength = buffer.getInt(offset + 4);
    if (storedId != id || storedLength != length) {
      return "key "
          + id
          + " holds a value of key "
          + storedId
          + " claiming "
          + storedLength
          + " bytes in "
          + length;
    }
    long stored = buffer.getLong(offset + length - 8);
    if (stored != checksum(buffer, offset, length - 8)) {
      return "key " + id + ": torn value, version " + buffer.getLong(offset + 8);
    }
    return null;
  }

  private static void assertValue(DirectBuffer buffer, int offset, int length, int id) {
    String problem = checkValue(buffer, offset, length, id);
    if (problem != null) {
      throw new AssertionError(problem);
    }
  }

  private static long checksum(DirectBuffer buffer, int offset, int length) {
    long h = 0x9E3779B97F4A7C15L ^ length;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      h =
          Long.rotateLeft(h ^ buffer.getLong(offset + i) * 0xBF58476D1CE4E5B9L, 29)
              * 0x94D049BB133111EBL;
    }
    for (; i < length; i++) {
      h = (h ^ buffer.getByte(offset + i)) * 0x9E3779B97F4A7C15L;
    }
    return h ^ (h >>> 31);
  }

  // ---------------------------------------------------------------- bits

  /** Sets bit {@code index}; false if it was already set. */
  private static boolean setBit(AtomicLongArray bits, long index) {
    int word = (int) (index >>> 6);
    long mask = 1L << (index & 63);
    long old = bits.getAndAccumulate(word, mask, (a, b) -> a | b);
    return (old & mask) == 0;
  }

  private static boolean getBit(AtomicLongArray bits, long index) {
    return (bits.get((int) (index >>> 6)) & (1L << (index & 63))) != 0;
  }
}
