package dev.cellar.engine;

import static dev.cellar.engine.TestBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each start mode of a watch cursor, end-of-data, live changes, and resync after lapping. */
class WatchCursorTest {
  private final CachedEpochClock clock = new CachedEpochClock();
  private final OffHeapBucket bucket =
      new OffHeapBucket(
          BucketConfig.builder()
              .maxBytes(4 << 20)
              .history(4)
              .journalSize(16)
              .clock(clock)
              .sweepIntervalMillis(0)
              .build());

  @AfterEach
  void close() {
    bucket.close();
  }

  private long put(String key, String value) {
    UnsafeBuffer k = utf8(key);
    UnsafeBuffer v = utf8(value);
    return bucket.put(k, 0, k.capacity(), v, 0, v.capacity(), 0);
  }

  private long delete(String key) {
    UnsafeBuffer k = utf8(key);
    return bucket.delete(k, 0, k.capacity(), WriteOutcome.ANY_REVISION);
  }

  /** Collects what a cursor delivers as "revision:op:key[=value]" and "EOD". */
  private static final class Recorder implements WatchHandler {
    final List<String> seen = new ArrayList<>();

    @Override
    public void onRecord(RecordView record) {
      String value = record.op() == RecordOp.PUT ? "=" + TestBytes.value(record) : "";
      seen.add(record.revision() + ":" + record.op() + ":" + TestBytes.key(record) + value);
    }

    @Override
    public void onEndOfData() {
      seen.add("EOD");
    }
  }

  private void seed() {
    put("a", "1");
    put("b", "2");
    put("a", "3");
    delete("b");
  }

  @Test
  void lastPerKeyReplaysEachKeysLatestRecordThenGoesLive() {
    seed();
    WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 0);
    Recorder recorder = new Recorder();
    assertEquals(2, cursor.poll(recorder, 100));
    assertEquals(List.of("3:PUT:a=3", "4:DELETE:b", "EOD"), recorder.seen);
    assertEquals(0, cursor.poll(recorder, 100));
    put("c", "5");
    assertEquals(1, cursor.poll(recorder, 100));
    assertEquals("5:PUT:c=5", recorder.seen.get(3));
    assertEquals(5, cursor.lastRevision());
  }

  @Test
  void includeHistoryReplaysEveryRetainedRecord() {
    seed();
    Recorder recorder = new Recorder();
    bucket.watch(WatchStart.INCLUDE_HISTORY, 0).poll(recorder, 100);
    assertEquals(
        List.of("1:PUT:a=1", "2:PUT:b=2", "3:PUT:a=3", "4:DELETE:b", "EOD"), recorder.seen);
  }

  @Test
  void updatesOnlyStartsWithEndOfData() {
    seed();
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 0);
    Recorder recorder = new Recorder();
    assertEquals(0, cursor.poll(recorder, 100));
    assertEquals(List.of("EOD"), recorder.seen);
    put("a", "9");
    cursor.poll(recorder, 100);
    assertEquals(List.of("EOD", "5:PUT:a=9"), recorder.seen);
  }

  @Test
  void fromRevisionReplaysRetainedRecordsAtOrAfterIt() {
    seed();
    Recorder recorder = new Recorder();
    bucket.watch(WatchStart.FROM_REVISION, 3).poll(recorder, 100);
    assertEquals(List.of("3:PUT:a=3", "4:DELETE:b", "EOD"), recorder.seen);
  }

  @Test
  void fromRevisionAboveTheLatestWaitsForThatRevision() {
    seed();
    WatchCursor cursor = bucket.watch(WatchStart.FROM_REVISION, 7);
    Recorder recorder = new Recorder();
    cursor.poll(recorder, 100);
    put("x", "5");
    put("y", "6");
    cursor.poll(recorder, 100);
    assertEquals(List.of("EOD"), recorder.seen);
    put("z", "7");
    cursor.poll(recorder, 100);
    assertEquals(List.of("EOD", "7:PUT:z=7"), recorder.seen);
  }

  @Test
  void theLimitBoundsEachPollAndEndOfDataComesOnce() {
    for (int i = 0; i < 5; i++) {
      put("k" + i, "v");
    }
    WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 0);
    Recorder recorder = new Recorder();
    assertEquals(2, cursor.poll(recorder, 2));
    assertEquals(2, cursor.poll(recorder, 2));
    assertEquals(1, cursor.poll(recorder, 2));
    assertEquals(0, cursor.poll(recorder, 2));
    assertEquals(6, recorder.seen.size());
    assertEquals("EOD", recorder.seen.get(5));
    assertThrows(IllegalArgumentException.class, () -> cursor.poll(recorder, 0));
  }

  @Test
  void superseededRecordsBeyondHistoryAreSkippedButTheLatestArrives() {
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 0);
    Recorder recorder = new Recorder();
    cursor.poll(recorder, 100);
    for (int i = 1; i <= 6; i++) {
      put("k", "v" + i);
    }
    cursor.poll(recorder, 100);
    assertEquals(
        List.of("EOD", "3:PUT:k=v3", "4:PUT:k=v4", "5:PUT:k=v5", "6:PUT:k=v6"),
        recorder.seen,
        "history 4 keeps revisions 3 to 6");
  }

  @Test
  void aLappedCursorResyncsToTheLatestStateOfEveryChangedKey() {
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 0);
    Recorder recorder = new Recorder();
    cursor.poll(recorder, 100);
    Map<String, Long> latest = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      String key = "k" + (i % 7);
      latest.put(key, put(key, "v" + i));
    }
    delete("k3");
    latest.put("k3", 101L);
    cursor.poll(recorder, 1000);
    assertEquals(1, cursor.resyncs(), "a 16-slot journal is lapped by 101 writes");
    Map<String, Long> delivered = new HashMap<>();
    long previous = 0;
    for (String line : recorder.seen.subList(1, recorder.seen.size())) {
      String[] parts = line.split(":");
      long revision = Long.parseLong(parts[0]);
      assertTrue(revision > previous, "revisions increase: " + recorder.seen);
      previous = revision;
      delivered.put(parts[2].split("=")[0], revision);
    }
    assertEquals(latest, delivered);
    assertEquals(101, cursor.lastRevision());
  }

  @Test
  void aCursorCannotBeUsedAfterItIsClosed() {
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 0);
    cursor.close();
    cursor.close();
    assertThrows(IllegalStateException.class, () -> cursor.poll(new Recorder(), 1));
  }

  @Test
  void evictionsAndExpiriesAreWatched() {
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 0);
    Recorder recorder = new Recorder();
    clock.update(1_000_000);
    UnsafeBuffer k = utf8("t");
    UnsafeBuffer v = utf8("x");
    bucket.put(k, 0, 1, v, 0, 1, 1_000_500);
    clock.update(1_000_500);
    assertEquals(1, bucket.sweepExpired());
    cursor.poll(recorder, 100);
    assertEquals(List.of("EOD", "1:PUT:t=x", "2:EXPIRE:t"), recorder.seen);
  }
}
