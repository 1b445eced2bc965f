package dev.cellar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves that {@link OffHeapBucket} behaves exactly like a plain-Java model of its semantics over
 * long, seeded random sequences of every operation: writes with right, wrong and zero expected
 * revisions, reads, history, expiry on a test clock, sweeps, purge-deletes, clear, iteration and a
 * watch cursor. Scenarios with a large budget must match the model record for record; scenarios
 * with a small budget evict, and the model then accepts only what eviction may legitimately do:
 * EVICT a live value, EXPIRE an expired one (both seen through the {@link MutationObserver}), and
 * silently drop old versions or keys whose latest record is a marker.
 *
 * <p>Each run picks a fresh seed; a failure names it. Rerun one with {@code
 * -Dcellar.model.seed=<seed> -Dcellar.model.scenario=<SCENARIO>}; scale the length with {@code
 * -Dcellar.model.operations=<count>}.
 */
class ModelBasedTest {
  private static final String SEED_PROPERTY = "cellar.model.seed";
  private static final String SCENARIO_PROPERTY = "cellar.model.scenario";
  private static final String OPERATIONS_PROPERTY = "cellar.model.operations";
  private static final long NOW = 1_700_000_000_000L;
  private static final long MIB = 1L << 20;

  /** Steps between full reconciliations of an evicting bucket with its model. */
  private static final int FULL_SYNC_INTERVAL = 500;

  private static final int TRAIL = 24;

  /** Bucket shapes; together they run well over a million operations. */
  enum Scenario {
    HISTORY_1(256 * MIB, 1, 1, 200, 1, 100_000, NOW),
    HISTORY_3(256 * MIB, 1, 3, 200, 1, 130_000, NOW),
    HISTORY_64(256 * MIB, 2, 64, 50, 1, 120_000, NOW),
    SMALL_BUDGET_HISTORY_1(2 * MIB, 0, 1, 200, 6, 200_000, NOW),
    SMALL_BUDGET_HISTORY_3(MIB, 0, 3, 200, 3, 220_000, NOW),
    SMALL_BUDGET_HISTORY_64(4 * MIB, 2, 64, 100, 4, 150_000, NOW),
    /** A test clock that starts at 0, as a fresh {@code CachedEpochClock} does. */
    CLOCK_FROM_ZERO(4 * MIB, 0, 3, 150, 4, 100_000, 0L);

    final long maxBytes;
    final int segments;
    final int history;
    final int keys;

    /** Multiplies the ordinary value lengths, so that small budgets stay under pressure. */
    final int valueScale;

    final int operations;
    final long clockStart;

    Scenario(
        long maxBytes,
        int segments,
        int history,
        int keys,
        int valueScale,
        int operations,
        long clockStart) {
      this.maxBytes = maxBytes;
      this.segments = segments;
      this.history = history;
      this.keys = keys;
      this.valueScale = valueScale;
      this.operations = operations;
      this.clockStart = clockStart;
    }

    /** Small budgets evict; large ones must never need to. */
    boolean evicting() {
      return maxBytes < 64 * MIB;
    }
  }

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void bucketMatchesModel(Scenario scenario) {
    String only = System.getProperty(SCENARIO_PROPERTY);
    Assumptions.assumeTrue(
        only == null || only.equals(scenario.name()), () -> "only " + only + " was asked for");
    long seed = Long.getLong(SEED_PROPERTY, new SplittableRandom().nextLong());
    int operations = Integer.getInteger(OPERATIONS_PROPERTY, scenario.operations);
    try (Run run = new Run(scenario, seed)) {
      run.execute(operations);
    }
  }

  // ---------------------------------------------------------------- model

  /** One record as the model knows it. */
  private static final class Rec {
    final long revision;
    final RecordOp op;
    final int keyId;
    final int valueOffset;
    final int valueLength;
    final long writeTime;

    /** Mutable: touch changes a live value's expire-at in place. */
    long expireAt;

    Rec(
        long revision,
        RecordOp op,
        int keyId,
        int valueOffset,
        int valueLength,
        long expireAt,
        long writeTime) {
      this.revision = revision;
      this.op = op;
      this.keyId = keyId;
      this.valueOffset = valueOffset;
      this.valueLength = valueLength;
      this.expireAt = expireAt;
      this.writeTime = writeTime;
    }

    @Override
    public String toString() {
      return op
          + "@"
          + revision
          + (op == RecordOp.PUT ? "[len=" + valueLength + ", expireAt=" + expireAt + "]" : "");
    }
  }

  /** What an operation is expected to write for its own key, checked against the observer. */
  private static final class Expect {
    final RecordOp op;
    final int valueOffset;
    final int valueLength;
    final long expireAt;

    Expect(RecordOp op, int valueOffset, int valueLength, long expireAt) {
      this.op = op;
      this.valueOffset = valueOffset;
      this.valueLength = valueLength;
      this.expireAt = expireAt;
    }
  }

  /** One observer call, copied out of the engine's memory while the segment was locked. */
  private static final class Event {
    long revision;
    RecordOp op;
    int keyId;
    long expireAt;
    long writeTime;
    int valueLength;
    boolean valueMatchesPending;
    boolean hasPrevious;
    long previousRevision;
    RecordOp previousOp;
    long previousExpireAt;

    /** Set when the observer saw something it could not even decode. */
    String problem;

    @Override
    public String toString() {
      return op
          + "@"
          + revision
          + " key "
          + keyId
          + (hasPrevious ? " over " + previousOp + "@" + previousRevision : " over nothing");
    }
  }

  /** One scenario with one seed: the bucket, its model, and the checks between them. */
  private static final class Run implements MutationObserver, AutoCloseable {
    private final Scenario scenario;
    private final long seed;
    private final SplittableRandom random;
    private final CachedEpochClock clock = new CachedEpochClock();
    private final OffHeapBucket bucket;
    private final boolean evicting;
    private final int history;
    private final long initialBytes;
    private final int largeThreshold;
    private final int maxValue;
    private final byte[] pool;
    private final UnsafeBuffer poolBuffer;
    private final UnsafeBuffer[] keyBuffers;
    private final List<Rec>[] chains;
    private final ExpandableArrayBuffer readBuffer = new ExpandableArrayBuffer(4096);
    private final RecordInfo info = new RecordInfo();
    private final WatchCursor watch;
    private final ArrayDeque<String> trail = new ArrayDeque<>();
    private byte[] scratch = new byte[4096];

    /** Every record ever written, by revision - 1. */
    private final ArrayList<Rec> log = new ArrayList<>();

    private final ArrayList<Event> observed = new ArrayList<>();

    /** A clear happened since the watch cursor was last polled: it must reset, once. */
    private boolean clearedSinceWatch;

    private long revision;
    private long records;
    private long live;
    private long evictEvents;
    private long expireEvents;
    private int pendingOffset = -1;
    private int pendingLength = -1;
    private long watchedUpTo;
    private long lastDelivered;
    private int step;
    private String operation = "open";

    @SuppressWarnings("unchecked")
    Run(Scenario scenario, long seed) {
      this.scenario = scenario;
      this.seed = seed;
      this.random = new SplittableRandom(seed);
      this.evicting = scenario.evicting();
      this.history = scenario.history;
      clock.update(scenario.clockStart);
      BucketConfig.Builder builder =
          BucketConfig.builder()
              .maxBytes(scenario.maxBytes)
              .history(scenario.history)
              .clock(clock)
              .sweepIntervalMillis(0)
              .observer(this);
      if (scenario.segments > 0) {
        builder.segments(scenario.segments);
      }
      this.bucket = new OffHeapBucket(builder.build());
      this.initialBytes = bucket.bytesInUse();
      int quarterPage = bucket.config().pageSize() / 4;
      this.largeThreshold = quarterPage;
      this.maxValue =
          (int)
              Math.min(
                  quarterPage + quarterPage / 2,
                  bucket.maxRecordLength() - OffHeapBucket.recordOverhead() - 64);
      this.pool = new byte[Math.max(maxValue, 4096) + (1 << 16)];
      new SplittableRandom(seed ^ 0x5DEECE66DL).nextBytes(pool);
      this.poolBuffer = new UnsafeBuffer(pool);
      this.keyBuffers = new UnsafeBuffer[scenario.keys];
      this.chains = new List[scenario.keys];
      for (int id = 0; id < scenario.keys; id++) {
        keyBuffers[id] = new UnsafeBuffer(keyBytes(id));
      }
      this.watch = bucket.watch(WatchStart.UPDATES_ONLY, 0);
    }

    @Override
    public void close() {
      bucket.close();
    }

    void execute(int operations) {
      try {
        int[] endOfData = new int[1];
        assertEquals(
            0,
            watch.poll(
                new WatchHandler() {
                  @Override
                  public void onRecord(RecordView record) {
                    fail("an empty bucket has nothing to replay");
                  }

                  @Override
                  public void onEndOfData() {
                    endOfData[0]++;
                  }
                },
                10));
        assertEquals(1, endOfData[0], "end-of-data once, at once");
        for (step = 0; step < operations; step++) {
          observed.clear();
          runOneOperation();
          checkInvariants();
          if (evicting && step % FULL_SYNC_INTERVAL == FULL_SYNC_INTERVAL - 1) {
            fullSync();
          }
        }
        fullSync();
        if (!evicting) {
          assertEquals(0, bucket.evictions(), "a large budget never evicts");
        } else if (operations >= 10_000) {
          // Guards the scenario itself: a small budget that never fills proves nothing.
          assertTrue(evictEvents > 0, "a small budget should have evicted");
        }
      } catch (Throwable t) {
        throw new AssertionError(
            "model mismatch in "
                + scenario
                + " at step "
                + step
                + " ("
                + operation
                + "), seed "
                + seed
                + "; rerun with: mvn -pl offheap-engine test"
                + " -Dtest=ModelBasedTest -D"
                + SEED_PROPERTY
                + "="
                + seed
                + " -D"
                + SCENARIO_PROPERTY
                + "="
                + scenario
                + "\nlast operations, oldest first:\n  "
                + String.join("\n  ", trail)
                + "\n"
                + t.getMessage(),
            t);
      }
    }

    // -------------------------------------------------------------- operation mix

    private void runOneOperation() {
      int roll = random.nextInt(1000);
      int id = random.nextInt(scenario.keys);
      if (roll < 205) {
        int[] value = chooseValue(id);
        long expireAt = chooseExpireAt(true);
        describe("put", id, "len=" + value[1] + " expireAt=" + expireAt);
        syncHead(id);
        writeValue(id, WriteOutcome.ANY_REVISION, value, expireAt, false);
      } else if (roll < 265) {
        int[] value = chooseValue(id);
        long expireAt = chooseExpireAt(true);
        describe("create", id, "len=" + value[1] + " expireAt=" + expireAt);
        syncHead(id);
        writeValue(id, 0L, value, expireAt, true);
      } else if (roll < 355) {
        int[] value = chooseValue(id);
        long expireAt = chooseExpireAt(true);
        syncHead(id);
        int kind = roll < 315 ? 0 : roll < 335 ? 1 : 2;
        long expected = kind == 0 ? headRevision(id) : kind == 1 ? wrongRevision(id) : 0L;
        describe(
            "update", id, "expected=" + expected + " len=" + value[1] + " expireAt=" + expireAt);
        writeValue(id, expected, value, expireAt, false);
      } else if (roll < 445) {
        syncHead(id);
        int kind = roll < 395 ? 0 : roll < 425 ? 1 : 2;
        long expected =
            kind == 0
                ? WriteOutcome.ANY_REVISION
                : kind == 1 ? headRevision(id) : wrongRevision(id);
        describe("delete", id, "expected=" + expected);
        writeMarker(id, RecordOp.DELETE, expected);
      } else if (roll < 460) {
        syncHead(id);
        int kind = roll < 452 ? 0 : roll < 457 ? 1 : 2;
        long expected =
            kind == 0
                ? WriteOutcome.ANY_REVISION
                : kind == 1 ? headRevision(id) : wrongRevision(id);
        describe("purge", id, "expected=" + expected);
        writeMarker(id, RecordOp.PURGE, expected);
      } else if (roll < 500) {
        long expireAt = chooseExpireAt(false);
        describe("touch", id, "expireAt=" + expireAt);
        touch(id, expireAt);
      } else if (roll < 650) {
        describe("get", id, "");
        get(id, roll % 4 == 0);
      } else if (roll < 670) {
        describe("containsKey", id, "");
        containsKey(id);
      } else if (roll < 710) {
        describe("latest", id, "");
        syncHead(id);
        latest(id);
      } else if (roll < 750) {
        describe("atRevision", id, "");
        syncHistory(id);
        long wanted = chooseRevisionToRead(id);
        if (wanted > 0) {
          atRevision(id, wanted);
        }
      } else if (roll < 790) {
        describe("history", id, "");
        syncHistory(id);
        history(id);
      } else if (roll < 792) {
        describe("purgeDeletes", -1, "");
        purgeDeletes();
      } else if (roll < 808) {
        describe("sweepExpired", -1, "");
        sweepExpired();
      } else if (roll < 812) {
        describe("entries", -1, "");
        entries();
      } else if (roll < 813 && random.nextInt(40) == 0) {
        describe("clear", -1, "");
        clear();
      } else if (roll < 920) {
        long by = random.nextInt(20) == 0 ? random.nextLong(100_000) : random.nextLong(1500);
        describe("advance clock", -1, "by " + by);
        clock.advance(by);
      } else {
        describe("get", id, "");
        get(id, false);
      }
    }

    private void describe(String name, int id, String detail) {
      operation =
          name
              + (id >= 0 ? " key " + id : "")
              + (detail.isEmpty() ? "" : " " + detail)
              + " at t="
              + clock.time();
      if (trail.size() == TRAIL) {
        trail.removeFirst();
      }
      trail.addLast(step + ": " + operation);
    }

    /** {offset, length} of a slice of the pool: empty, small, a few KiB, or a buffer of its own. */
    private int[] chooseValue(int id) {
      int roll = random.nextInt(1000);
      int length;
      if (roll < 50) {
        length = 0;
      } else if (roll < 500) {
        length = scenario.valueScale * (1 + random.nextInt(100));
      } else if (roll < 850) {
        length = scenario.valueScale * (101 + random.nextInt(1900));
      } else if (roll < 985) {
        length = scenario.valueScale * (2001 + random.nextInt(2096));
      } else {
        int over = largeThreshold - OffHeapBucket.recordOverhead() - keyBuffers[id].capacity() + 1;
        length = over + random.nextInt(largeThreshold / 2);
      }
      length = Math.min(maxValue, length);
      return new int[] {random.nextInt(pool.length - length + 1), length};
    }

    private long chooseExpireAt(boolean keepAllowed) {
      int roll = random.nextInt(100);
      long now = clock.time();
      if (roll < 50) {
        return 0L;
      } else if (roll < 78) {
        return now + 1 + random.nextInt(3000);
      } else if (roll < 88) {
        return now + 10_000 + random.nextInt(1_000_000);
      } else if (roll < 91) {
        // Already due: the write stores a value that the next read or write must expire.
        return Math.max(1, now - random.nextInt(1000));
      }
      return keepAllowed ? OffHeapBucket.KEEP_EXPIRY : now + 1 + random.nextInt(3000);
    }

    /** A revision the key's latest record does not have and that was already handed out. */
    private long wrongRevision(int id) {
      List<Rec> chain = chains[id];
      long head = chain == null ? 0 : chain.get(chain.size() - 1).revision;
      if (chain != null && chain.size() > 1 && random.nextBoolean()) {
        return chain.get(random.nextInt(chain.size() - 1)).revision;
      }
      if (revision <= 1) {
        return head == 1 ? 0 : 1;
      }
      for (int attempt = 0; attempt < 8; attempt++) {
        long candidate = 1 + random.nextLong(revision);
        if (candidate != head) {
          return candidate;
        }
      }
      return head == 1 ? 2 : 1;
    }

    /** A revision to look up: one of the key's, any old one, or 0 when none was handed out. */
    private long chooseRevisionToRead(int id) {
      List<Rec> chain = chains[id];
      if (chain != null && random.nextInt(10) < 7) {
        return chain.get(random.nextInt(chain.size())).revision;
      }
      return revision == 0 ? 0 : 1 + random.nextLong(revision);
    }

    private long headRevision(int id) {
      Rec head = head(id);
      return head == null ? 0 : head.revision;
    }

    // -------------------------------------------------------------- operations and checks

    private void writeValue(int id, long expected, int[] value, long expireAt, boolean create) {
      long now = clock.time();
      Rec head = head(id);
      boolean expire = isExpiredValue(head, now);
      boolean live = head != null && head.op == RecordOp.PUT && !expire;
      boolean allowed =
          expected == WriteOutcome.ANY_REVISION
              || (expected == 0 ? !live : !expire && head != null && head.revision == expected);
      List<Expect> own = new ArrayList<>(2);
      if (expire) {
        own.add(new Expect(RecordOp.EXPIRE, 0, 0, 0L));
      }
      if (allowed) {
        long kept = live ? head.expireAt : 0L;
        long stored = expireAt == OffHeapBucket.KEEP_EXPIRY ? kept : expireAt;
        own.add(new Expect(RecordOp.PUT, value[0], value[1], stored));
      }
      pendingOffset = value[0];
      pendingLength = value[1];
      UnsafeBuffer key = keyBuffers[id];
      long outcome;
      if (create) {
        outcome = bucket.create(key, 0, key.capacity(), poolBuffer, value[0], value[1], expireAt);
      } else if (expected == WriteOutcome.ANY_REVISION) {
        outcome = bucket.put(key, 0, key.capacity(), poolBuffer, value[0], value[1], expireAt);
      } else {
        outcome =
            bucket.update(
                key, 0, key.capacity(), poolBuffer, value[0], value[1], expireAt, expected);
      }
      pendingOffset = -1;
      pendingLength = -1;
      applyEvents(id, own);
      checkOutcome(id, allowed, outcome);
    }

    private void writeMarker(int id, RecordOp op, long expected) {
      long now = clock.time();
      Rec head = head(id);
      boolean expire = isExpiredValue(head, now);
      boolean live = head != null && head.op == RecordOp.PUT && !expire;
      boolean allowed =
          expected == WriteOutcome.ANY_REVISION
              || (expected == 0 ? !live : !expire && head != null && head.revision == expected);
      if (op == RecordOp.DELETE) {
        allowed &= live;
      }
      List<Expect> own = new ArrayList<>(2);
      if (expire) {
        own.add(new Expect(RecordOp.EXPIRE, 0, 0, 0L));
      }
      if (allowed) {
        own.add(new Expect(op, 0, 0, 0L));
      }
      UnsafeBuffer key = keyBuffers[id];
      long outcome =
          op == RecordOp.DELETE
              ? bucket.delete(key, 0, key.capacity(), expected)
              : bucket.purge(key, 0, key.capacity(), expected);
      applyEvents(id, own);
      checkOutcome(id, allowed, outcome);
    }

    /** A write's outcome: the new head's revision, or minus the current head's revision. */
    private void checkOutcome(int id, boolean allowed, long outcome) {
      long current = headRevision(id);
      if (allowed) {
        assertTrue(WriteOutcome.succeeded(outcome), "the write should have happened: " + outcome);
        assertEquals(current, WriteOutcome.revision(outcome), "revision of the write");
      } else {
        assertFalse(WriteOutcome.succeeded(outcome), "the write should have failed: " + outcome);
        assertEquals(current, WriteOutcome.currentRevision(outcome), "current revision reported");
      }
    }

    private void touch(int id, long expireAt) {
      Rec head = head(id);
      boolean live = head != null && head.op == RecordOp.PUT && !isExpiredValue(head, clock.time());
      UnsafeBuffer key = keyBuffers[id];
      long result = bucket.touch(key, 0, key.capacity(), expireAt);
      applyEvents(id, List.of());
      if (live) {
        assertEquals(head.revision, result, "touch returns the value's revision");
        head.expireAt = expireAt;
      } else {
        assertEquals(0, result, "touch without a live value");
      }
    }

    private void get(int id, boolean withoutDestination) {
      Rec head = head(id);
      boolean expire = isExpiredValue(head, clock.time());
      UnsafeBuffer key = keyBuffers[id];
      int offset = withoutDestination ? 0 : random.nextInt(4);
      int length =
          bucket.get(key, 0, key.capacity(), withoutDestination ? null : readBuffer, offset, info);
      applyEvents(id, expire ? List.of(new Expect(RecordOp.EXPIRE, 0, 0, 0L)) : List.of());
      if (head == null || head.op != RecordOp.PUT || expire) {
        assertEquals(OffHeapBucket.NOT_FOUND, length, "a miss");
        return;
      }
      assertEquals(head.valueLength, length, "value length");
      assertEquals(head.revision, info.revision(), "revision of the value read");
      assertEquals(RecordOp.PUT, info.op());
      assertEquals(head.writeTime, info.writeTime(), "write time");
      assertEquals(head.expireAt, info.expireAt(), "expire-at");
      assertEquals(head.valueLength, info.valueLength());
      if (!withoutDestination) {
        assertTrue(
            sameBytes(readBuffer, offset, length, head.valueOffset, head.valueLength),
            "value bytes");
      }
    }

    private void containsKey(int id) {
      Rec head = head(id);
      boolean expire = isExpiredValue(head, clock.time());
      UnsafeBuffer key = keyBuffers[id];
      boolean contains = bucket.containsKey(key, 0, key.capacity());
      applyEvents(id, expire ? List.of(new Expect(RecordOp.EXPIRE, 0, 0, 0L)) : List.of());
      assertEquals(head != null && head.op == RecordOp.PUT && !expire, contains, "containsKey");
    }

    private void latest(int id) {
      Rec head = head(id);
      boolean expire = isExpiredValue(head, clock.time());
      UnsafeBuffer key = keyBuffers[id];
      List<String> seen = new ArrayList<>(1);
      boolean found = bucket.latest(key, 0, key.capacity(), view -> seen.add(describeView(view)));
      applyEvents(id, expire ? List.of(new Expect(RecordOp.EXPIRE, 0, 0, 0L)) : List.of());
      Rec now = head(id);
      assertEquals(now != null, found, "latest finds a record");
      if (now != null) {
        assertEquals(List.of(describeRec(now)), seen, "latest record");
      }
    }

    private void atRevision(int id, long wanted) {
      boolean expire = isExpiredValue(head(id), clock.time());
      UnsafeBuffer key = keyBuffers[id];
      List<String> seen = new ArrayList<>(1);
      boolean found =
          bucket.atRevision(key, 0, key.capacity(), wanted, view -> seen.add(describeView(view)));
      applyEvents(id, dueExpiry(expire));
      Rec match = null;
      List<Rec> chain = chains[id];
      if (chain != null) {
        for (Rec rec : chain) {
          if (rec.revision == wanted) {
            match = rec;
          }
        }
      }
      assertEquals(match != null, found, "atRevision finds revision " + wanted);
      if (match != null) {
        assertEquals(List.of(describeRec(match)), seen, "record at revision " + wanted);
      }
    }

    private void history(int id) {
      boolean expire = isExpiredValue(head(id), clock.time());
      UnsafeBuffer key = keyBuffers[id];
      List<String> seen = new ArrayList<>();
      int count = bucket.history(key, 0, key.capacity(), view -> seen.add(describeView(view)));
      applyEvents(id, dueExpiry(expire));
      List<String> expected = new ArrayList<>();
      if (chains[id] != null) {
        for (Rec rec : chains[id]) {
          expected.add(describeRec(rec));
        }
      }
      assertEquals(expected, seen, "history of key " + id);
      assertEquals(expected.size(), count, "history count");
    }

    private void purgeDeletes() {
      if (evicting) {
        fullSync();
      }
      List<Integer> forgotten = new ArrayList<>();
      for (int id = 0; id < chains.length; id++) {
        Rec head = head(id);
        if (head != null && head.op.isMarker()) {
          forgotten.add(id);
        }
      }
      int removed = bucket.purgeDeletes();
      applyEvents(-1, List.of());
      assertEquals(forgotten.size(), removed, "keys forgotten by purgeDeletes");
      for (int id : forgotten) {
        forget(id);
      }
      if (records == 0) {
        assertEquals(initialBytes, bucket.bytesInUse(), "an empty bucket owns what a new one does");
      }
    }

    private void sweepExpired() {
      long now = clock.time();
      int due = 0;
      for (int id = 0; id < chains.length; id++) {
        if (isExpiredValue(head(id), now)) {
          due++;
        }
      }
      long expiresBefore = expireEvents;
      int swept = bucket.sweepExpired();
      applySweepEvents();
      long expired = expireEvents - expiresBefore;
      if (evicting) {
        // Eviction during the sweep may expire some values itself; those are not the sweep's.
        assertTrue(swept <= expired, "swept " + swept + " but only " + expired + " EXPIRE events");
      } else {
        assertEquals(due, swept, "values swept");
      }
      assertEquals(due, expired, "every due value gets one EXPIRE record");
      for (int id = 0; id < chains.length; id++) {
        assertFalse(isExpiredValue(head(id), now), "key " + id + " is still expired after a sweep");
      }
    }

    private void entries() {
      long now = clock.time();
      Map<Integer, String> expected = new HashMap<>();
      for (int id = 0; id < chains.length; id++) {
        Rec head = head(id);
        if (head != null && head.op == RecordOp.PUT && !isExpiredValue(head, now)) {
          expected.put(id, describeRec(head));
        }
      }
      Map<Integer, String> seen = new HashMap<>();
      EntryCursor cursor = bucket.entries();
      while (cursor.next()) {
        RecordView view = cursor.current();
        int id = keyIdOf(view);
        assertNull(seen.put(id, describeView(view)), "key " + id + " iterated twice");
      }
      applyEvents(-1, List.of());
      assertEquals(expected, seen, "iterated entries");
    }

    private void clear() {
      long before = bucket.revision();
      bucket.clear();
      clearedSinceWatch = true;
      applyEvents(-1, List.of());
      for (int id = 0; id < chains.length; id++) {
        if (chains[id] != null) {
          forget(id);
        }
      }
      assertEquals(before, bucket.revision(), "clear writes no revision");
      assertEquals(0, records);
      assertEquals(initialBytes, bucket.bytesInUse(), "a cleared bucket owns what a new one does");
    }

    // -------------------------------------------------------------- observer

    @Override
    public void onMutation(RecordView previous, RecordView record) {
      // Runs under the segment's write lock: never throw here, note problems for later.
      Event event = new Event();
      try {
        event.revision = record.revision();
        event.op = record.op();
        event.keyId = keyIdOf(record);
        event.expireAt = record.expireAt();
        event.writeTime = record.writeTime();
        event.valueLength = record.valueLength();
        if (event.op == RecordOp.PUT) {
          event.valueMatchesPending =
              sameBytes(
                  record.buffer(),
                  record.valueOffset(),
                  record.valueLength(),
                  pendingOffset,
                  pendingLength);
        }
        if (previous != null) {
          event.hasPrevious = true;
          event.previousRevision = previous.revision();
          event.previousOp = previous.op();
          event.previousExpireAt = previous.expireAt();
          if (keyIdOf(previous) != event.keyId) {
            event.problem = "previous record belongs to key " + keyIdOf(previous);
          }
        }
      } catch (RuntimeException | AssertionError e) {
        event.problem = "undecodable record: " + e;
      }
      observed.add(event);
    }

    /**
     * Checks the events of one operation and applies them to the model: first {@code own} for key
     * {@code id}, in order; anything else must be a legitimate eviction.
     */
    private void applyEvents(int id, List<Expect> own) {
      int next = 0;
      for (Event event : observed) {
        checkEventBasics(event);
        if (event.keyId == id && next < own.size()) {
          Expect expect = own.get(next++);
          checkPrevious(event);
          assertEquals(expect.op, event.op, "operation written for key " + id);
          assertEquals(expect.expireAt, event.expireAt, "expire-at written");
          if (expect.op == RecordOp.PUT) {
            assertEquals(expect.valueLength, event.valueLength, "value length written");
            assertTrue(event.valueMatchesPending, "value bytes written");
            append(
                id,
                new Rec(
                    event.revision,
                    RecordOp.PUT,
                    id,
                    expect.valueOffset,
                    expect.valueLength,
                    event.expireAt,
                    event.writeTime));
          } else {
            assertEquals(0, event.valueLength, "markers carry no value");
            if (expect.op == RecordOp.EXPIRE) {
              checkExpirable(event);
            }
            Rec marker = new Rec(event.revision, expect.op, id, 0, 0, 0L, event.writeTime);
            if (expect.op == RecordOp.PURGE) {
              replaceChain(id, marker);
            } else {
              append(id, marker);
            }
          }
        } else {
          applyEviction(event);
        }
      }
      assertEquals(own.size(), next, "records written for key " + id + ": " + observed);
    }

    /** A sweep writes EXPIRE records (in any key order); a small budget may also evict. */
    private void applySweepEvents() {
      for (Event event : observed) {
        checkEventBasics(event);
        if (event.op == RecordOp.EXPIRE) {
          checkPrevious(event);
          checkExpirable(event);
          append(
              event.keyId,
              new Rec(event.revision, RecordOp.EXPIRE, event.keyId, 0, 0, 0L, event.writeTime));
        } else {
          applyEviction(event);
        }
      }
    }

    /** An event that no operation asked for: only eviction under a small budget may cause it. */
    private void applyEviction(Event event) {
      assertTrue(evicting, "unexpected record " + event + " (this bucket must not evict)");
      assertTrue(
          event.op == RecordOp.EVICT || event.op == RecordOp.EXPIRE,
          "eviction writes only EVICT or EXPIRE, not " + event);
      assertTrue(event.hasPrevious, "eviction needs a record to replace: " + event);
      checkPrevious(event);
      assertEquals(0, event.valueLength, "markers carry no value");
      if (event.op == RecordOp.EVICT) {
        Rec head = head(event.keyId);
        assertFalse(
            isExpiredValue(head, clock.time()),
            "an expired value must be expired, not evicted: " + event);
      } else {
        checkExpirable(event);
      }
      // The reclaimer frees the replaced value's history along with it.
      replaceChain(
          event.keyId, new Rec(event.revision, event.op, event.keyId, 0, 0, 0L, event.writeTime));
    }

    private void checkEventBasics(Event event) {
      assertNull(event.problem, event.problem);
      assertEquals(revision + 1, event.revision, "revisions are handed out one by one: " + event);
      assertEquals(clock.time(), event.writeTime, "write time of " + event);
      if (event.op.isMarker()) {
        assertEquals(0L, event.expireAt, "a marker has no expire-at: " + event);
      }
    }

    /** The observer's previous record must be the model's latest (a marker may be forgotten). */
    private void checkPrevious(Event event) {
      Rec head = head(event.keyId);
      if (!event.hasPrevious && evicting && head != null && head.op.isMarker()) {
        forget(event.keyId);
        head = null;
      }
      assertEquals(head != null, event.hasPrevious, "previous record present for " + event);
      if (head != null) {
        assertEquals(head.revision, event.previousRevision, "previous revision of " + event);
        assertEquals(head.op, event.previousOp, "previous operation of " + event);
        assertEquals(head.expireAt, event.previousExpireAt, "previous expire-at of " + event);
      }
    }

    /** An EXPIRE must replace a live value whose expire-at has passed. */
    private void checkExpirable(Event event) {
      Rec head = head(event.keyId);
      assertTrue(
          head != null && isExpiredValue(head, clock.time()),
          "EXPIRE of a value that has not expired: " + event + " over " + head);
    }

    // -------------------------------------------------------------- invariants

    private void checkInvariants() {
      assertEquals(revision, bucket.revision(), "bucket revision");
      assertEquals(live, bucket.entryCount(), "entry count");
      long recordCount = bucket.recordCount();
      if (evicting) {
        assertTrue(recordCount <= records, "records " + recordCount + " > model's " + records);
      } else {
        assertEquals(records, recordCount, "record count");
      }
      long bytes = bucket.bytesInUse();
      assertTrue(bytes <= bucket.maxBytes(), "bytes in use " + bytes + " over the budget");
      assertEquals(evictEvents, bucket.evictions(), "evictions counted");
      assertEquals(expireEvents, bucket.expirations(), "expirations counted");
      checkWatch();
    }

    /**
     * The watch cursor must deliver, in order, exactly the new revisions whose records are still
     * retained (an evicting bucket may drop some silently, so there it delivers a subset).
     */
    private void checkWatch() {
      List<Long> delivered = new ArrayList<>();
      boolean[] reset = new boolean[1];
      long resetsBefore = watch.resets();
      int polled;
      do {
        polled =
            watch.poll(
                new WatchHandler() {
                  @Override
                  public void onRecord(RecordView record) {
                    delivered.add(record.revision());
                    Rec rec = log.get((int) record.revision() - 1);
                    Rec current = find(rec.keyId, rec.revision);
                    String expected = describeRec(current != null ? current : rec);
                    String actual = describeView(record);
                    if (current == null) {
                      // The model lost track of it (eviction): compare all but expire-at.
                      expected = expected.replaceAll(" expireAt=\\d+", "");
                      actual = actual.replaceAll(" expireAt=\\d+", "");
                    }
                    assertEquals(expected, actual, "record delivered by the watch cursor");
                  }

                  @Override
                  public void onReset() {
                    assertTrue(clearedSinceWatch, "a cursor resets only after a clear");
                    assertTrue(
                        delivered.isEmpty(), "the reset comes before what follows the clear");
                    reset[0] = true;
                  }

                  @Override
                  public void onEndOfData() {
                    // A reset replays the (empty) cleared bucket and ends that replay once.
                    assertTrue(reset[0], "end-of-data comes once, before live changes");
                    reset[0] = false;
                  }
                },
                1024);
      } while (polled > 0);
      assertFalse(reset[0], "the replay after a reset ends with end-of-data");
      assertEquals(
          resetsBefore + (clearedSinceWatch ? 1 : 0), watch.resets(), "one reset per clear");
      clearedSinceWatch = false;
      for (long r : delivered) {
        assertTrue(r > lastDelivered, "watch revisions increase: " + delivered);
        lastDelivered = r;
      }
      if (!evicting) {
        List<Long> retained = new ArrayList<>();
        for (long r = watchedUpTo + 1; r <= revision; r++) {
          Rec rec = log.get((int) r - 1);
          if (find(rec.keyId, r) != null) {
            retained.add(r);
          }
        }
        assertEquals(retained, delivered, "revisions delivered by the watch cursor");
        assertEquals(0, watch.resyncs(), "a large journal never laps a cursor polled every step");
      }
      watchedUpTo = revision;
    }

    /**
     * Brings the model of an evicting bucket in line with what eviction dropped silently: the
     * bucket's history of the key must be a suffix of the model's, and empty only where the model's
     * latest record is a marker.
     */
    private void syncHistory(int id) {
      if (!evicting) {
        return;
      }
      UnsafeBuffer key = keyBuffers[id];
      List<long[]> engine = new ArrayList<>();
      boolean expire = isExpiredValue(head(id), clock.time());
      // The events seen so far were applied by the operation that caused them: set them aside.
      List<Event> earlier = new ArrayList<>(observed);
      observed.clear();
      bucket.history(
          key,
          0,
          key.capacity(),
          view -> engine.add(new long[] {view.revision(), view.op().code()}));
      // History writes nothing but the expiry of a value that fell due.
      applyEvents(id, dueExpiry(expire));
      observed.clear();
      observed.addAll(earlier);

      List<Rec> chain = chains[id];
      int modelSize = chain == null ? 0 : chain.size();
      assertTrue(
          engine.size() <= modelSize,
          "key " + id + " has more history than the model: " + engine.size() + " > " + chain);
      int skip = modelSize - engine.size();
      for (int i = 0; i < engine.size(); i++) {
        Rec rec = chain.get(skip + i);
        assertEquals(rec.revision, engine.get(i)[0], "history suffix of key " + id + ": " + chain);
        assertEquals(rec.op.code(), (int) engine.get(i)[1], "history suffix op of key " + id);
      }
      if (engine.isEmpty()) {
        if (chain != null) {
          assertTrue(
              chain.get(chain.size() - 1).op.isMarker(),
              "key " + id + " with a live value vanished: " + chain);
          forget(id);
        }
      } else if (skip > 0) {
        chain.subList(0, skip).clear();
        records -= skip;
      }
    }

    /** The one record a read writes: the EXPIRE of the key's value, if it fell due. */
    private static List<Expect> dueExpiry(boolean expire) {
      return expire ? List.of(new Expect(RecordOp.EXPIRE, 0, 0, 0L)) : List.of();
    }

    /** For a key whose latest record is a marker, learns whether eviction forgot the key. */
    private void syncHead(int id) {
      Rec head = head(id);
      if (!evicting || head == null || !head.op.isMarker()) {
        return;
      }
      UnsafeBuffer key = keyBuffers[id];
      long[] found = {-1};
      int events = observed.size();
      boolean present = bucket.latest(key, 0, key.capacity(), view -> found[0] = view.revision());
      assertEquals(events, observed.size(), "latest of a marker writes nothing");
      if (present) {
        assertEquals(head.revision, found[0], "latest marker of key " + id);
      } else {
        forget(id);
      }
    }

    private void fullSync() {
      // Twice: the first pass expires the values that fell due, and the room those EXPIRE records
      // take may silently drop records of keys it had already reconciled; the second writes
      // nothing.
      for (int pass = 0; pass < 2; pass++) {
        for (int id = 0; id < chains.length; id++) {
          syncHistory(id);
        }
      }
      assertEquals(records, bucket.recordCount(), "record count after reconciling");
      assertEquals(live, bucket.entryCount(), "entry count after reconciling");
      if (records == 0) {
        assertEquals(initialBytes, bucket.bytesInUse(), "an empty bucket owns what a new one does");
      }
    }

    // -------------------------------------------------------------- model state

    private Rec head(int id) {
      List<Rec> chain = chains[id];
      return chain == null ? null : chain.get(chain.size() - 1);
    }

    private Rec find(int id, long wanted) {
      List<Rec> chain = chains[id];
      if (chain != null) {
        for (int i = chain.size() - 1; i >= 0; i--) {
          if (chain.get(i).revision == wanted) {
            return chain.get(i);
          }
        }
      }
      return null;
    }

    private void append(int id, Rec rec) {
      noteRevision(rec);
      List<Rec> chain = chains[id];
      if (chain == null) {
        chain = new ArrayList<>();
        chains[id] = chain;
      } else if (head(id).op == RecordOp.PUT) {
        live--;
      }
      chain.add(rec);
      records++;
      if (rec.op == RecordOp.PUT) {
        live++;
      }
      while (chain.size() > history) {
        chain.remove(0);
        records--;
      }
    }

    private void replaceChain(int id, Rec rec) {
      if (chains[id] != null) {
        forget(id);
      }
      append(id, rec);
    }

    private void forget(int id) {
      if (head(id).op == RecordOp.PUT) {
        live--;
      }
      records -= chains[id].size();
      chains[id] = null;
    }

    private void noteRevision(Rec rec) {
      revision = rec.revision;
      log.add(rec);
      if (rec.op == RecordOp.EVICT) {
        evictEvents++;
      } else if (rec.op == RecordOp.EXPIRE) {
        expireEvents++;
      }
    }

    private static boolean isExpiredValue(Rec rec, long now) {
      return rec != null && rec.op == RecordOp.PUT && rec.expireAt != 0 && now >= rec.expireAt;
    }

    // -------------------------------------------------------------- bytes

    private static byte[] keyBytes(int id) {
      int tail =
          switch (id % 4) {
            case 0 -> 28;
            case 1 -> 0;
            case 2 -> 3;
            default -> 11;
          };
      byte[] bytes = new byte[4 + tail];
      new UnsafeBuffer(bytes).putInt(0, id);
      for (int i = 0; i < tail; i++) {
        bytes[4 + i] = (byte) (id * 31 + i);
      }
      return bytes;
    }

    private int keyIdOf(RecordView view) {
      int id = view.buffer().getInt(view.keyOffset());
      if (id < 0 || id >= keyBuffers.length) {
        throw new IllegalStateException("no such key id " + id);
      }
      UnsafeBuffer key = keyBuffers[id];
      if (view.keyLength() != key.capacity()) {
        throw new IllegalStateException("key " + id + " has length " + view.keyLength());
      }
      for (int i = 0; i < key.capacity(); i++) {
        if (view.buffer().getByte(view.keyOffset() + i) != key.getByte(i)) {
          throw new IllegalStateException("key " + id + " differs at byte " + i);
        }
      }
      return id;
    }

    private boolean sameBytes(
        DirectBuffer buffer, int offset, int length, int poolOffset, int poolLength) {
      if (length != poolLength || poolOffset < 0) {
        return false;
      }
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      buffer.getBytes(offset, scratch, 0, length);
      return Arrays.equals(scratch, 0, length, pool, poolOffset, poolOffset + length);
    }

    private String describeRec(Rec rec) {
      return "key "
          + rec.keyId
          + " "
          + rec.op
          + "@"
          + rec.revision
          + " written="
          + rec.writeTime
          + " expireAt="
          + rec.expireAt
          + " value="
          + rec.valueLength
          + "/"
          + Arrays.hashCode(
              Arrays.copyOfRange(pool, rec.valueOffset, rec.valueOffset + rec.valueLength));
    }

    private String describeView(RecordView view) {
      byte[] value = view.valueBytes();
      return "key "
          + keyIdOf(view)
          + " "
          + view.op()
          + "@"
          + view.revision()
          + " written="
          + view.writeTime()
          + " expireAt="
          + view.expireAt()
          + " value="
          + value.length
          + "/"
          + Arrays.hashCode(value);
    }
  }
}
