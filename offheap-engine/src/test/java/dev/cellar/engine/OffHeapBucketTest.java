package dev.cellar.engine;

import static dev.cellar.engine.TestBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bucket's contract, one rule per test: revisions, CAS, markers, history, expiry, budget. */
class OffHeapBucketTest {
  private static final long T0 = 1_700_000_000_000L;

  private final CachedEpochClock clock = new CachedEpochClock();
  private final ExpandableArrayBuffer out = new ExpandableArrayBuffer();
  private final List<OffHeapBucket> opened = new ArrayList<>();

  private OffHeapBucket bucket(int history) {
    return bucket(BucketConfig.builder().maxBytes(4 << 20).history(history));
  }

  private OffHeapBucket bucket(BucketConfig.Builder builder) {
    clock.update(T0);
    OffHeapBucket bucket = new OffHeapBucket(builder.clock(clock).sweepIntervalMillis(0).build());
    opened.add(bucket);
    return bucket;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(OffHeapBucket::close);
  }

  private static long put(OffHeapBucket bucket, String key, String value) {
    return put(bucket, key, value, 0);
  }

  private static long put(OffHeapBucket bucket, String key, String value, long expireAt) {
    UnsafeBuffer k = utf8(key);
    UnsafeBuffer v = utf8(value);
    return bucket.put(k, 0, k.capacity(), v, 0, v.capacity(), expireAt);
  }

  private static long create(OffHeapBucket bucket, String key, String value) {
    UnsafeBuffer k = utf8(key);
    UnsafeBuffer v = utf8(value);
    return bucket.create(k, 0, k.capacity(), v, 0, v.capacity(), 0);
  }

  private static long update(OffHeapBucket bucket, String key, String value, long expected) {
    UnsafeBuffer k = utf8(key);
    UnsafeBuffer v = utf8(value);
    return bucket.update(k, 0, k.capacity(), v, 0, v.capacity(), 0, expected);
  }

  private static long delete(OffHeapBucket bucket, String key, long expected) {
    UnsafeBuffer k = utf8(key);
    return bucket.delete(k, 0, k.capacity(), expected);
  }

  private static long purge(OffHeapBucket bucket, String key, long expected) {
    UnsafeBuffer k = utf8(key);
    return bucket.purge(k, 0, k.capacity(), expected);
  }

  private String get(OffHeapBucket bucket, String key) {
    UnsafeBuffer k = utf8(key);
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

  @Test
  void revisionsStartAtOneAndIncreaseAcrossKeys() {
    OffHeapBucket bucket = bucket(1);
    assertEquals(0, bucket.revision());
    assertEquals(1, put(bucket, "a", "1"));
    assertEquals(2, put(bucket, "b", "2"));
    assertEquals(3, put(bucket, "a", "3"));
    assertEquals(3, bucket.revision());
    assertEquals("3", get(bucket, "a"));
    assertEquals("2", get(bucket, "b"));
    assertEquals(2, bucket.entryCount());
    assertEquals(2, bucket.recordCount());
  }

  @Test
  void getFillsTheRecordInfo() {
    OffHeapBucket bucket = bucket(1);
    put(bucket, "k", "hello", T0 + 5000);
    RecordInfo info = new RecordInfo();
    UnsafeBuffer k = utf8("k");
    assertEquals(5, bucket.get(k, 0, 1, out, 3, info));
    assertEquals("hello", TestBytes.text(out, 3, 5));
    assertEquals(1, info.revision());
    assertEquals(RecordOp.PUT, info.op());
    assertEquals(T0, info.writeTime());
    assertEquals(T0 + 5000, info.expireAt());
    assertEquals(5, info.valueLength());
    assertTrue(bucket.containsKey(k, 0, 1));
  }

  @Test
  void aFixedDestinationThatIsTooSmallIsRejectedWithoutHarm() {
    OffHeapBucket bucket = bucket(1);
    put(bucket, "k", "0123456789");
    UnsafeBuffer small = new UnsafeBuffer(new byte[4]);
    UnsafeBuffer k = utf8("k");
    assertThrows(IllegalArgumentException.class, () -> bucket.get(k, 0, 1, small, 0, null));
    assertEquals("0123456789", get(bucket, "k"));
  }

  @Test
  void createSucceedsOnlyWithoutALiveValue() {
    OffHeapBucket bucket = bucket(5);
    assertEquals(1, create(bucket, "k", "a"));
    assertEquals(-1, create(bucket, "k", "b"), "fails and carries the current revision");
    assertEquals(2, delete(bucket, "k", WriteOutcome.ANY_REVISION));
    assertEquals(3, create(bucket, "k", "c"), "a DELETE marker is no live value");
    assertEquals(4, purge(bucket, "k", WriteOutcome.ANY_REVISION));
    assertEquals(5, create(bucket, "k", "d"), "nor is a PURGE marker");
    assertEquals("d", get(bucket, "k"));
  }

  @Test
  void updateComparesTheLatestRecordsRevisionMarkersIncluded() {
    OffHeapBucket bucket = bucket(5);
    long first = put(bucket, "k", "a");
    long second = update(bucket, "k", "b", first);
    assertEquals(2, second);
    long stale = update(bucket, "k", "c", first);
    assertFalse(WriteOutcome.succeeded(stale));
    assertEquals(2, WriteOutcome.currentRevision(stale));
    long deleted = delete(bucket, "k", WriteOutcome.ANY_REVISION);
    assertEquals(4, update(bucket, "k", "d", deleted), "the DELETE marker's revision matches");
    assertEquals(-4, update(bucket, "k", "e", 0), "expected 0 fails while a value lives");
    assertEquals(0, update(bucket, "fresh", "x", 7), "no record at all: current revision 0");
    assertEquals(5, update(bucket, "fresh", "x", 0), "expected 0 succeeds without a value");
  }

  @Test
  void theEmptyKeyIsAKeyOfItsOwn() {
    OffHeapBucket bucket = bucket(3);
    assertEquals(1, put(bucket, "", "empty"));
    assertEquals(2, put(bucket, "a", "a"));
    assertEquals("empty", get(bucket, ""));
    assertEquals(3, put(bucket, "", "again"));
    assertEquals(List.of("1:PUT=empty", "3:PUT=again"), history(bucket, ""));
    assertEquals(4, delete(bucket, "", 3));
    assertEquals(null, get(bucket, ""));
    assertEquals("a", get(bucket, "a"));
    assertEquals(1, bucket.entryCount());
  }

  @Test
  void deleteNeedsALiveValueAndKeepsHistory() {
    OffHeapBucket bucket = bucket(3);
    assertEquals(0, delete(bucket, "k", WriteOutcome.ANY_REVISION));
    put(bucket, "k", "a");
    put(bucket, "k", "b");
    assertEquals(-2, delete(bucket, "k", 1), "wrong expected revision");
    assertEquals(3, delete(bucket, "k", 2));
    assertEquals(-3, delete(bucket, "k", 3), "already a marker");
    assertEquals(List.of("1:PUT=a", "2:PUT=b", "3:DELETE"), history(bucket, "k"));
    assertEquals(null, get(bucket, "k"));
    assertEquals(0, bucket.entryCount());
    assertEquals(3, bucket.recordCount());
  }

  @Test
  void purgeDropsHistoryAndLeavesAMarkerEvenForUnknownKeys() {
    OffHeapBucket bucket = bucket(5);
    put(bucket, "k", "a");
    put(bucket, "k", "b");
    assertEquals(-2, purge(bucket, "k", 1));
    assertEquals(3, purge(bucket, "k", 2));
    assertEquals(List.of("3:PURGE"), history(bucket, "k"));
    assertEquals(4, purge(bucket, "never", WriteOutcome.ANY_REVISION));
    assertEquals(List.of("4:PURGE"), history(bucket, "never"));
    assertEquals(2, bucket.recordCount());
    assertEquals(5, purge(bucket, "never", 0), "expected 0: no live value, so it purges");
  }

  @Test
  void historyKeepsTheConfiguredDepthOldestFirst() {
    OffHeapBucket bucket = bucket(3);
    for (int i = 1; i <= 6; i++) {
      put(bucket, "k", "v" + i);
    }
    assertEquals(List.of("4:PUT=v4", "5:PUT=v5", "6:PUT=v6"), history(bucket, "k"));
    assertEquals(3, bucket.recordCount());
    delete(bucket, "k", WriteOutcome.ANY_REVISION);
    assertEquals(List.of("5:PUT=v5", "6:PUT=v6", "7:DELETE"), history(bucket, "k"));

    UnsafeBuffer k = utf8("k");
    List<String> seen = new ArrayList<>();
    assertTrue(bucket.atRevision(k, 0, 1, 5, r -> seen.add(TestBytes.value(r))));
    assertFalse(bucket.atRevision(k, 0, 1, 4, r -> seen.add("no")));
    assertEquals(List.of("v5"), seen);
    assertTrue(bucket.latest(k, 0, 1, r -> seen.add(r.op() + "@" + r.revision())));
    assertEquals(List.of("v5", "DELETE@7"), seen);
  }

  @Test
  void historyOfOneKeepsOnlyTheLatestRecord() {
    OffHeapBucket bucket = bucket(1);
    put(bucket, "k", "a");
    put(bucket, "k", "b");
    delete(bucket, "k", WriteOutcome.ANY_REVISION);
    assertEquals(List.of("3:DELETE"), history(bucket, "k"));
    assertEquals(1, bucket.recordCount());
  }

  @Test
  void purgeDeletesForgetsKeysWhoseLatestRecordIsAMarker() {
    OffHeapBucket bucket = bucket(2);
    put(bucket, "live", "1");
    put(bucket, "deleted", "2");
    delete(bucket, "deleted", WriteOutcome.ANY_REVISION);
    purge(bucket, "purged", WriteOutcome.ANY_REVISION);
    long revision = bucket.revision();
    assertEquals(2, bucket.purgeDeletes());
    assertEquals(revision, bucket.revision(), "forgetting writes no revision");
    assertEquals(List.of(), history(bucket, "deleted"));
    assertEquals(List.of(), history(bucket, "purged"));
    assertEquals("1", get(bucket, "live"));
    assertEquals(1, bucket.recordCount());
  }

  @Test
  void anExpiredValueIsAMissAndIsMarkedOnRead() {
    OffHeapBucket bucket = bucket(3);
    put(bucket, "k", "v", T0 + 1000);
    clock.update(T0 + 999);
    assertEquals("v", get(bucket, "k"));
    clock.update(T0 + 1000);
    assertEquals(null, get(bucket, "k"), "expired when the clock reads expire-at");
    assertEquals(List.of("1:PUT=v", "2:EXPIRE"), history(bucket, "k"));
    assertEquals(1, bucket.expirations());
    assertEquals(0, bucket.entryCount());
  }

  @Test
  void historyAndReadsByRevisionExpireADueValueFirst() {
    OffHeapBucket bucket = bucket(3);
    put(bucket, "k", "v", T0 + 1000);
    put(bucket, "other", "w", T0 + 1000);
    clock.update(T0 + 1000);
    // No get has seen either key since they fell due: history must not show them as live.
    assertEquals(List.of("1:PUT=v", "3:EXPIRE"), history(bucket, "k"));
    List<String> seen = new ArrayList<>();
    UnsafeBuffer other = utf8("other");
    assertTrue(bucket.atRevision(other, 0, 5, 2, r -> seen.add(r.op() + "@" + r.revision())));
    assertEquals(List.of("PUT@2"), seen, "the record asked for is still history");
    assertTrue(bucket.atRevision(other, 0, 5, 4, r -> seen.add(r.op() + "@" + r.revision())));
    assertEquals(List.of("PUT@2", "EXPIRE@4"), seen, "and the expiry is recorded after it");
    assertEquals(2, bucket.expirations());
    assertEquals(0, bucket.entryCount());
  }

  @Test
  void anExpiryIsRecordedBeforeAWriteOverwritesIt() {
    OffHeapBucket bucket = bucket(5);
    put(bucket, "k", "old", T0 + 10);
    clock.update(T0 + 10);
    assertEquals(3, create(bucket, "k", "new"));
    assertEquals(List.of("1:PUT=old", "2:EXPIRE", "3:PUT=new"), history(bucket, "k"));
  }

  @Test
  void keepExpiryCarriesTheReplacedValuesExpireAt() {
    OffHeapBucket bucket = bucket(1);
    put(bucket, "k", "a", T0 + 500);
    put(bucket, "k", "b", OffHeapBucket.KEEP_EXPIRY);
    RecordInfo info = new RecordInfo();
    UnsafeBuffer k = utf8("k");
    bucket.get(k, 0, 1, out, 0, info);
    assertEquals(T0 + 500, info.expireAt());
    put(bucket, "n", "c", OffHeapBucket.KEEP_EXPIRY);
    bucket.get(utf8("n"), 0, 1, out, 0, info);
    assertEquals(0, info.expireAt(), "nothing to keep: never expires");
  }

  @Test
  void touchMovesExpireAtWithoutANewRevision() {
    OffHeapBucket bucket = bucket(1);
    put(bucket, "k", "v", T0 + 100);
    UnsafeBuffer k = utf8("k");
    assertEquals(1, bucket.touch(k, 0, 1, T0 + 10_000));
    clock.update(T0 + 5000);
    assertEquals("v", get(bucket, "k"));
    assertEquals(1, bucket.revision());
    assertEquals(0, bucket.touch(utf8("x"), 0, 1, T0));
  }

  @Test
  void theSweepExpiresValuesWithoutReads() {
    OffHeapBucket bucket = bucket(2);
    for (int i = 0; i < 100; i++) {
      put(bucket, "k" + i, "v", i < 40 ? T0 + 2000 : 0);
    }
    clock.update(T0 + 1999);
    assertEquals(0, bucket.sweepExpired());
    clock.update(T0 + 2000);
    assertEquals(40, bucket.sweepExpired());
    assertEquals(60, bucket.entryCount());
    assertEquals(140, bucket.recordCount());
    assertEquals(140, bucket.revision());
    assertEquals(40, bucket.expirations());
    assertEquals(0, bucket.sweepExpired());
  }

  @Test
  void theBackgroundSweepRunsOnItsOwn() throws InterruptedException {
    OffHeapBucket bucket =
        new OffHeapBucket(BucketConfig.builder().maxBytes(2 << 20).sweepIntervalMillis(20).build());
    opened.add(bucket);
    put(bucket, "k", "v", System.currentTimeMillis() + 50);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (bucket.expirations() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, bucket.expirations());
    assertEquals(0, bucket.entryCount());
  }

  @Test
  void theBackgroundSweepOutlivesAnObserverThatThrows() throws InterruptedException {
    java.util.concurrent.atomic.AtomicInteger expiries =
        new java.util.concurrent.atomic.AtomicInteger();
    OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(2 << 20)
                .sweepIntervalMillis(20)
                .observer(
                    (previous, record) -> {
                      if (record.op() == RecordOp.EXPIRE) {
                        // an IllegalStateException that is not the bucket closing, then an Error
                        if (expiries.incrementAndGet() == 1) {
                          throw new IllegalStateException("observer failed");
                        }
                        throw new AssertionError("observer failed again");
                      }
                    })
                .build());
    opened.add(bucket);
    long now = System.currentTimeMillis();
    put(bucket, "a", "v", now + 50);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (bucket.expirations() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    put(bucket, "b", "v", System.currentTimeMillis() + 50);
    put(bucket, "c", "v", System.currentTimeMillis() + 300);
    while (bucket.expirations() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(3, bucket.expirations(), "later sweeps still ran");
    assertEquals(0, bucket.entryCount());
  }

  @Test
  void bytesReturnToTheEmptyFigureOncePurgedAndForgotten() {
    OffHeapBucket bucket = bucket(4);
    long empty = bucket.bytesInUse();
    for (int i = 0; i < 5000; i++) {
      put(bucket, "key-" + (i % 1500), "value-" + "x".repeat(i % 300));
    }
    assertTrue(bucket.bytesInUse() > empty);
    for (int i = 0; i < 1500; i++) {
      purge(bucket, "key-" + i, WriteOutcome.ANY_REVISION);
    }
    assertEquals(1500, bucket.purgeDeletes());
    assertEquals(0, bucket.recordCount());
    assertEquals(empty, bucket.bytesInUse());
  }

  @Test
  void fillingFarPastTheBudgetEvictsAndStaysWithinIt() {
    List<String> evicted = new ArrayList<>();
    OffHeapBucket bucket =
        bucket(
            BucketConfig.builder()
                .maxBytes(2 << 20)
                .observer(
                    (previous, record) -> {
                      if (record.op() == RecordOp.EVICT) {
                        evicted.add(TestBytes.key(record) + "@" + record.revision());
                        assertEquals(RecordOp.PUT, previous.op());
                        assertEquals(0, record.valueLength());
                      }
                    }));
    byte[] value = new byte[1000];
    for (int i = 0; i < 20_000; i++) {
      UnsafeBuffer k = utf8("key-" + i);
      long revision = bucket.put(k, 0, k.capacity(), new UnsafeBuffer(value), 0, 1000, 0);
      assertTrue(bucket.bytesInUse() <= bucket.maxBytes());
      assertTrue(bucket.containsKey(k, 0, k.capacity()), "a write is never its own victim");
      assertTrue(revision > 0);
    }
    assertEquals(bucket.evictions(), evicted.size());
    assertTrue(bucket.evictions() > 15_000, "evictions: " + bucket.evictions());
    assertTrue(bucket.entryCount() > 1000, "still serving: " + bucket.entryCount());
    assertEquals(20_000 + bucket.evictions(), bucket.revision());
  }

  @Test
  void keysReadBetweenEvictionsSurviveThem() {
    assertEquals(10, hotKeysLeftAfterColdFill(true), "read between evictions: all kept");
    assertEquals(0, hotKeysLeftAfterColdFill(false), "never read: all evicted");
  }

  @Test
  void aKeyWrittenIntoAFullBucketAndNeverReadGoesBeforeKeysReadOnce() {
    List<String> evicted = new ArrayList<>();
    OffHeapBucket bucket =
        bucket(
            BucketConfig.builder()
                .maxBytes(1 << 20)
                .segments(1)
                .observer(
                    (previous, record) -> {
                      if (record.op() == RecordOp.EVICT) {
                        evicted.add(TestBytes.key(record));
                      }
                    }));
    UnsafeBuffer value = new UnsafeBuffer(new byte[1000]);
    List<String> residents = new ArrayList<>();
    int written = 0;
    while (evicted.isEmpty()) {
      String key = String.format("k-%05d", written++);
      residents.add(key);
      put(bucket, key, value);
    }
    // The hand starts at the first chunk: the first key, never read, is the first victim, and the
    // key whose write evicted it takes its chunk, just behind the hand.
    assertEquals(List.of("k-00000"), evicted);
    String newcomer = residents.remove(residents.size() - 1);
    residents.remove("k-00000");
    ExpandableArrayBuffer destination = new ExpandableArrayBuffer(1000);
    for (String key : residents) {
      UnsafeBuffer k = utf8(key);
      assertEquals(1000, bucket.get(k, 0, k.capacity(), destination, 0, null), key);
    }
    // One more write: the hand takes one read off each resident, then reaches the newcomer, which
    // was never read; a newcomer that started with a count of its own would outlast them.
    put(bucket, "x-00000", value);
    assertEquals(List.of("k-00000", newcomer), evicted);
    put(bucket, "x-00001", value);
    assertEquals(List.of("k-00000", newcomer, residents.get(0)), evicted);
  }

  private static void put(OffHeapBucket bucket, String key, UnsafeBuffer value) {
    UnsafeBuffer k = utf8(key);
    bucket.put(k, 0, k.capacity(), value, 0, value.capacity(), 0);
  }

  /**
   * Fills the bucket past its budget, writes 10 hot keys, then 20,000 cold ones, reading the hot
   * ones every 100 writes if asked. The first fill lets the index reach its final size: growing it
   * takes a whole page, which empties a page whatever its records' counts.
   */
  private int hotKeysLeftAfterColdFill(boolean readHotKeys) {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(2 << 20));
    UnsafeBuffer value = new UnsafeBuffer(new byte[1000]);
    ExpandableArrayBuffer destination = new ExpandableArrayBuffer(1000);
    for (int i = 0; i < 5_000; i++) {
      UnsafeBuffer k = utf8("first-" + i);
      bucket.put(k, 0, k.capacity(), value, 0, 1000, 0);
    }
    List<UnsafeBuffer> hot = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      UnsafeBuffer k = utf8("hot-" + i);
      hot.add(k);
      bucket.put(k, 0, k.capacity(), value, 0, 1000, 0);
    }
    for (int i = 0; i < 20_000; i++) {
      if (readHotKeys && i % 100 == 0) {
        for (UnsafeBuffer k : hot) {
          assertEquals(1000, bucket.get(k, 0, k.capacity(), destination, 0, null), "at " + i);
        }
      }
      UnsafeBuffer k = utf8("cold-" + i);
      bucket.put(k, 0, k.capacity(), value, 0, 1000, 0);
    }
    assertTrue(bucket.evictions() > 20_000, "evictions: " + bucket.evictions());
    int left = 0;
    for (UnsafeBuffer k : hot) {
      left += bucket.containsKey(k, 0, k.capacity()) ? 1 : 0;
    }
    bucket.close();
    return left;
  }

  @Test
  void clearDropsEverythingWithoutRevisions() {
    OffHeapBucket bucket = bucket(2);
    long empty = bucket.bytesInUse();
    for (int i = 0; i < 100; i++) {
      put(bucket, "k" + i, "v");
    }
    bucket.clear();
    assertEquals(0, bucket.entryCount());
    assertEquals(0, bucket.recordCount());
    assertEquals(100, bucket.revision());
    assertEquals(empty, bucket.bytesInUse());
    assertEquals(null, get(bucket, "k1"));
    assertEquals(101, put(bucket, "k1", "again"));
  }

  @Test
  void entriesVisitsEachLiveKeyOnce() {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(64 << 20).segments(4));
    for (int i = 0; i < 1000; i++) {
      put(bucket, "k" + i, "v" + i, i % 10 == 0 ? T0 + 1 : 0);
    }
    delete(bucket, "k1", WriteOutcome.ANY_REVISION);
    clock.update(T0 + 1);
    Set<String> seen = new HashSet<>();
    EntryCursor cursor = bucket.entries();
    while (cursor.next()) {
      RecordView record = cursor.current();
      assertEquals("v" + TestBytes.key(record).substring(1), TestBytes.value(record));
      assertTrue(seen.add(TestBytes.key(record)));
    }
    assertEquals(899, seen.size(), "1000 less 100 expired less 1 deleted");
    assertThrows(IllegalStateException.class, cursor::current);
  }

  @Test
  void badInputIsRejectedAndNothingChanges() {
    OffHeapBucket bucket = bucket(1);
    put(bucket, "k", "v");
    UnsafeBuffer k = utf8("k");
    UnsafeBuffer v = utf8("v");
    assertThrows(NullPointerException.class, () -> bucket.put(null, 0, 1, v, 0, 1, 0));
    assertThrows(NullPointerException.class, () -> bucket.put(k, 0, 1, null, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> bucket.put(k, 0, -1, v, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> bucket.put(k, 0, 2, v, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> bucket.put(k, -1, 1, v, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> bucket.put(k, 0, 1, v, 0, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> bucket.put(k, 0, 1, v, 0, 1, -5));
    assertThrows(IllegalArgumentException.class, () -> bucket.update(k, 0, 1, v, 0, 1, 0, -1));
    assertThrows(IllegalArgumentException.class, () -> bucket.delete(k, 0, 1, -2));
    assertThrows(IllegalArgumentException.class, () -> bucket.atRevision(k, 0, 1, 0, r -> {}));
    assertThrows(IllegalArgumentException.class, () -> bucket.watch(WatchStart.FROM_REVISION, 0));
    byte[] huge = new byte[(int) bucket.maxRecordLength()];
    assertThrows(
        IllegalArgumentException.class,
        () -> bucket.put(k, 0, 1, new UnsafeBuffer(huge), 0, huge.length, 0));
    assertEquals("v", get(bucket, "k"));
    assertEquals(1, bucket.revision());
  }

  @Test
  void badConfigurationIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> BucketConfig.builder().maxBytes(1000));
    assertThrows(IllegalArgumentException.class, () -> BucketConfig.builder().history(0));
    assertThrows(IllegalArgumentException.class, () -> BucketConfig.builder().history(65));
    assertThrows(IllegalArgumentException.class, () -> BucketConfig.builder().journalSize(1000));
    assertThrows(IllegalArgumentException.class, () -> BucketConfig.builder().segments(3));
    assertThrows(
        IllegalArgumentException.class, () -> BucketConfig.builder().sweepIntervalMillis(-1));
    assertThrows(NullPointerException.class, () -> BucketConfig.builder().clock(null));
    assertThrows(
        IllegalArgumentException.class,
        () -> BucketConfig.builder().maxBytes(1 << 20).journalSize(1 << 16).build(),
        "a journal may take at most a quarter of the budget");
    BucketConfig config = BucketConfig.builder().build();
    assertEquals(64L << 20, config.maxBytes());
    assertEquals(65_536, config.journalSize());
    assertEquals(16, config.segments());
    assertEquals(128 << 10, config.pageSize());
    assertEquals(1, config.history());
    // One segment, and with it one write lock, per 4 MiB of budget, at most 64 by default.
    assertEquals(1, BucketConfig.builder().maxBytes(4L << 20).build().segments());
    assertEquals(2, BucketConfig.builder().maxBytes(12L << 20).build().segments());
    assertEquals(64, BucketConfig.builder().maxBytes(256L << 20).build().segments());
    assertEquals(64, BucketConfig.builder().maxBytes(8L << 30).build().segments());
  }

  @Test
  void everyCallAfterCloseThrowsIllegalState() {
    OffHeapBucket bucket = bucket(1);
    put(bucket, "k", "v");
    WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 0);
    bucket.close();
    bucket.close();
    assertTrue(bucket.isClosed());
    UnsafeBuffer k = utf8("k");
    assertThrows(IllegalStateException.class, () -> bucket.get(k, 0, 1, out, 0, null));
    assertThrows(IllegalStateException.class, () -> put(bucket, "k", "v"));
    assertThrows(IllegalStateException.class, () -> delete(bucket, "k", -1));
    assertThrows(IllegalStateException.class, () -> bucket.history(k, 0, 1, r -> {}));
    assertThrows(IllegalStateException.class, bucket::revision);
    assertThrows(IllegalStateException.class, bucket::bytesInUse);
    assertThrows(IllegalStateException.class, bucket::entries);
    assertThrows(IllegalStateException.class, bucket::purgeDeletes);
    assertThrows(IllegalStateException.class, bucket::clear);
    assertThrows(IllegalStateException.class, () -> cursor.poll(r -> {}, 10));
  }
}
