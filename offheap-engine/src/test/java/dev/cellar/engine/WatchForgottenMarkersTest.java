package dev.cellar.engine;

import static dev.cellar.engine.TestBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.engine.internal.ForgottenMarkers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A watch cursor that has not yet reached a DELETE, PURGE, EVICT or EXPIRE marker still delivers it
 * when the marker, and with it the key, is forgotten first: by {@code purgeDeletes}, by the CLOCK
 * hand, by the marker ring as it wraps, or at once for a key too long for the ring.
 */
class WatchForgottenMarkersTest {
  private final List<OffHeapBucket> buckets = new ArrayList<>();

  @AfterEach
  void close() {
    buckets.forEach(OffHeapBucket::close);
  }

  private OffHeapBucket bucket(BucketConfig.Builder builder) {
    OffHeapBucket bucket = new OffHeapBucket(builder.sweepIntervalMillis(0).build());
    buckets.add(bucket);
    return bucket;
  }

  private static long put(OffHeapBucket bucket, String key, String value) {
    UnsafeBuffer k = utf8(key);
    UnsafeBuffer v = utf8(value);
    return bucket.put(k, 0, k.capacity(), v, 0, v.capacity(), 0);
  }

  private static long put(OffHeapBucket bucket, String key, byte[] value) {
    UnsafeBuffer k = utf8(key);
    return bucket.put(k, 0, k.capacity(), new UnsafeBuffer(value), 0, value.length, 0);
  }

  private static long delete(OffHeapBucket bucket, String key) {
    UnsafeBuffer k = utf8(key);
    return bucket.delete(k, 0, k.capacity(), WriteOutcome.ANY_REVISION);
  }

  private static boolean hasRecord(OffHeapBucket bucket, String key) {
    UnsafeBuffer k = utf8(key);
    return bucket.latest(k, 0, k.capacity(), record -> {});
  }

  /**
   * Collects what a cursor delivers as "revision:op:key[=value]", "EOD" and "RESET", and the last
   * record delivered per key: the watcher's view of the bucket.
   */
  static final class Recorder implements WatchHandler {
    final List<String> seen = new ArrayList<>();
    final Map<String, String> view = new HashMap<>();

    @Override
    public void onRecord(RecordView record) {
      String key = TestBytes.key(record);
      String value = record.op() == RecordOp.PUT ? "=" + shorten(TestBytes.value(record)) : "";
      String line = record.revision() + ":" + record.op() + ":" + shorten(key) + value;
      seen.add(line);
      view.put(key, line);
    }

    @Override
    public void onEndOfData() {
      seen.add("EOD");
    }

    @Override
    public void onReset() {
      seen.add("RESET");
      view.clear();
    }

    /** Everything delivered for {@code key}, in order. */
    List<String> of(String key) {
      List<String> lines = new ArrayList<>();
      for (String line : seen) {
        String[] parts = line.split(":");
        if (parts.length > 2 && parts[2].split("=")[0].equals(shorten(key))) {
          lines.add(line);
        }
      }
      return lines;
    }

    /** Polls until the cursor has nothing more. */
    Recorder drain(WatchCursor cursor) {
      while (cursor.poll(this, 1000) > 0) {
        // keep polling
      }
      return this;
    }

    private static String shorten(String text) {
      return text.length() > 12 ? text.charAt(0) + "*" + text.length() : text;
    }
  }

  /**
   * The watcher's view matches the bucket: every key whose last delivered record is a value is live
   * at that revision, and every live key's latest revision was delivered.
   */
  private static void assertViewMatches(OffHeapBucket bucket, Recorder recorder) {
    Map<String, Long> live = new HashMap<>();
    EntryCursor entries = bucket.entries();
    while (entries.next()) {
      live.put(TestBytes.key(entries.current()), entries.current().revision());
    }
    Map<String, Long> watched = new HashMap<>();
    recorder.view.forEach(
        (key, line) -> {
          String[] parts = line.split(":");
          if (parts[1].equals("PUT")) {
            watched.put(key, Long.parseLong(parts[0]));
          }
        });
    assertEquals(live, watched, "the watcher's view of live keys");
  }

  private static List<String> revisionsIncrease(Recorder recorder) {
    long previous = 0;
    for (String line : recorder.seen) {
      if (line.equals("EOD")) {
        continue;
      }
      if (line.equals("RESET")) {
        previous = 0;
        continue;
      }
      long revision = Long.parseLong(line.split(":")[0]);
      assertTrue(revision > previous, "revisions increase: " + recorder.seen);
      previous = revision;
    }
    return recorder.seen;
  }

  @Test
  void aDeleteForgottenByPurgeDeletesIsStillDelivered() {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(4 << 20));
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Recorder recorder = new Recorder().drain(cursor);
    put(bucket, "k", "v1");
    recorder.drain(cursor);
    assertEquals(List.of("EOD", "1:PUT:k=v1"), recorder.seen);

    delete(bucket, "k");
    assertEquals(1, bucket.purgeDeletes());
    assertFalse(hasRecord(bucket, "k"), "purgeDeletes forgot the key");
    recorder.drain(cursor);

    assertEquals(List.of("EOD", "1:PUT:k=v1", "2:DELETE:k"), recorder.seen);
    assertEquals(2, cursor.lastRevision());
    assertEquals(0, cursor.resyncs());
    assertViewMatches(bucket, recorder);
  }

  @Test
  void aDeleteMarkerForgottenByTheClockHandIsStillDelivered() {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(1 << 20).journalSize(4096));
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Recorder recorder = new Recorder().drain(cursor);
    put(bucket, "k", "v");
    recorder.drain(cursor);
    long deleted = delete(bucket, "k");
    assertEquals(2, deleted);
    byte[] big = new byte[100_000];
    for (int i = 0; i < 40; i++) {
      put(bucket, "big" + i, big);
    }
    assertTrue(bucket.evictions() > 0, "the puts evicted");
    assertFalse(hasRecord(bucket, "k"), "eviction forgot the marker and the key");
    recorder.drain(cursor);

    assertEquals(List.of("1:PUT:k=v", "2:DELETE:k"), recorder.of("k"));
    assertEquals(0, cursor.resyncs(), "a 4,096-revision journal is not lapped");
    revisionsIncrease(recorder);
    assertViewMatches(bucket, recorder);
  }

  @Test
  void anEvictMarkerDroppedAsTheMarkerRingWrapsIsStillDelivered() {
    long[] evicted = new long[1];
    OffHeapBucket bucket =
        bucket(
            BucketConfig.builder()
                .maxBytes(1 << 20)
                .journalSize(8192)
                .observer(
                    (previous, record) -> {
                      if (record.op() == RecordOp.EVICT && TestBytes.key(record).equals("k")) {
                        evicted[0] = record.revision();
                      }
                    }));
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Recorder recorder = new Recorder().drain(cursor);
    put(bucket, "k", "v");
    recorder.drain(cursor);
    byte[] mid = new byte[2000];
    for (int i = 0; i < 1500; i++) {
      put(bucket, "m" + i, mid);
    }
    assertTrue(evicted[0] > 1, "k was evicted");
    assertFalse(hasRecord(bucket, "k"), "the ring dropped k's EVICT marker and with it k");
    recorder.drain(cursor);

    assertEquals(List.of("1:PUT:k=v", evicted[0] + ":EVICT:k"), recorder.of("k"));
    assertEquals(0, cursor.resyncs(), "an 8,192-revision journal is not lapped");
    revisionsIncrease(recorder);
    assertViewMatches(bucket, recorder);
  }

  @Test
  void theMarkerOfAKeyTooLongForTheRingIsForgottenAtOnceYetDelivered() {
    String longKey = "L".repeat(5000); // over a quarter of the 16 KiB marker ring
    long[] evicted = new long[1];
    OffHeapBucket bucket =
        bucket(
            BucketConfig.builder()
                .maxBytes(1 << 20)
                .journalSize(8192)
                .observer(
                    (previous, record) -> {
                      if (record.op() == RecordOp.EVICT && record.keyLength() == 5000) {
                        evicted[0] = record.revision();
                      }
                    }));
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Recorder recorder = new Recorder().drain(cursor);
    put(bucket, longKey, "v");
    recorder.drain(cursor);
    byte[] mid = new byte[2000];
    for (int i = 0; i < 1500 && evicted[0] == 0; i++) {
      put(bucket, "m" + i, mid);
    }
    assertTrue(evicted[0] > 1, "the long key was evicted");
    assertFalse(hasRecord(bucket, longKey), "its marker was forgotten at once");
    recorder.drain(cursor);

    assertEquals(List.of("1:PUT:L*5000=v", evicted[0] + ":EVICT:L*5000"), recorder.of(longKey));
    assertEquals(0, cursor.resyncs());
    revisionsIncrease(recorder);
    assertViewMatches(bucket, recorder);
  }

  // ------------------------------------------------------------------ kept markers, gaps, resets

  /** One kept marker of a one-byte key: its record (40-byte header, key) plus the overhead. */
  private static final long ONE_MARKER =
      (long) ForgottenMarkers.ENTRY_OVERHEAD + OffHeapBucket.recordOverhead() + 1;

  @Test
  void aCursorThatLostAMarkerResetsAndReplaysTheCurrentStateWhileOneThatDidNotGetsIt() {
    OffHeapBucket bucket =
        bucket(BucketConfig.builder().maxBytes(4 << 20).forgottenMarkerBytes(ONE_MARKER));
    WatchCursor behind = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    WatchCursor ahead = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Recorder slow = new Recorder().drain(behind);
    Recorder fast = new Recorder().drain(ahead);
    put(bucket, "a", "1"); // 1
    put(bucket, "b", "2"); // 2
    put(bucket, "c", "3"); // 3
    slow.drain(behind);
    fast.drain(ahead);
    delete(bucket, "a"); // 4
    fast.drain(ahead);
    delete(bucket, "b"); // 5
    put(bucket, "c", "6"); // 6

    // a (4) and b (5) are forgotten; only one marker fits: the lower revision goes, and with it
    // the only cursor that still needed it.
    assertEquals(2, bucket.purgeDeletes());
    assertEquals(ONE_MARKER, bucket.forgottenMarkerBytes());
    put(bucket, "d", "7"); // 7

    fast.drain(ahead);
    assertEquals(
        List.of(
            "EOD",
            "1:PUT:a=1",
            "2:PUT:b=2",
            "3:PUT:c=3",
            "4:DELETE:a",
            "5:DELETE:b",
            "6:PUT:c=6",
            "7:PUT:d=7"),
        fast.seen);
    assertEquals(0, ahead.resets());

    slow.drain(behind);
    assertEquals(
        List.of(
            "EOD", "1:PUT:a=1", "2:PUT:b=2", "3:PUT:c=3", "RESET", "6:PUT:c=6", "7:PUT:d=7", "EOD"),
        slow.seen);
    assertEquals(1, behind.resets());
    assertEquals(0, behind.resyncs());
    assertEquals(0, bucket.forgottenMarkerBytes(), "both cursors read past the kept marker");

    put(bucket, "e", "8");
    slow.drain(behind);
    assertEquals("8:PUT:e=8", slow.seen.get(slow.seen.size() - 1), "live again after the reset");
    assertViewMatches(bucket, slow);
    assertViewMatches(bucket, fast.drain(ahead));
  }

  @Test
  void withNoAllowanceEveryMarkerForgottenAheadOfACursorResetsIt() {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(4 << 20).forgottenMarkerBytes(0));
    put(bucket, "x", "1"); // 1
    put(bucket, "y", "2"); // 2
    WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 1);
    Recorder recorder = new Recorder().drain(cursor);
    delete(bucket, "x"); // 3
    assertEquals(1, bucket.purgeDeletes());
    put(bucket, "z", "4"); // 4
    delete(bucket, "z"); // 5: a marker that stays, replayed as such
    put(bucket, "y", "6"); // 6
    recorder.drain(cursor);
    assertEquals(
        List.of("1:PUT:x=1", "2:PUT:y=2", "EOD", "RESET", "5:DELETE:z", "6:PUT:y=6", "EOD"),
        recorder.seen);
    assertEquals(6, cursor.lastRevision());
    assertEquals(0, bucket.forgottenMarkerBytes());
  }

  @Test
  void aCursorCaughtUpKeepsNothingAndALaggingOneKeepsExactlyWhatItNeeds() {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(4 << 20));
    delete(bucket, "never"); // nothing to delete: no revision
    put(bucket, "a", "1"); // 1
    delete(bucket, "a"); // 2
    assertEquals(1, bucket.purgeDeletes());
    assertEquals(0, bucket.forgottenMarkerBytes(), "no cursor is open");

    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Recorder recorder = new Recorder().drain(cursor);
    put(bucket, "b", "3"); // 3
    recorder.drain(cursor);
    delete(bucket, "b"); // 4
    recorder.drain(cursor);
    assertEquals(1, bucket.purgeDeletes());
    assertEquals(0, bucket.forgottenMarkerBytes(), "the cursor had read the marker already");

    put(bucket, "c", "5"); // 5
    recorder.drain(cursor);
    delete(bucket, "c"); // 6
    assertEquals(1, bucket.purgeDeletes());
    assertEquals(ONE_MARKER, bucket.forgottenMarkerBytes(), "kept for the lagging cursor");
    recorder.drain(cursor);
    assertEquals(
        List.of("EOD", "3:PUT:b=3", "4:DELETE:b", "5:PUT:c=5", "6:DELETE:c"), recorder.seen);
    assertEquals(0, bucket.forgottenMarkerBytes(), "dropped once the cursor read past it");

    put(bucket, "d", "7"); // 7
    delete(bucket, "d"); // 8
    assertEquals(1, bucket.purgeDeletes());
    assertEquals(ONE_MARKER, bucket.forgottenMarkerBytes());
    cursor.close();
    assertEquals(0, bucket.forgottenMarkerBytes(), "dropped when the last cursor closes");
  }

  @Test
  void aLastPerKeyReplayNeedsNoMarkerOfAKeyForgottenBeforeItsRecordIsDelivered() {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(4 << 20));
    put(bucket, "a", "1"); // 1
    delete(bucket, "a"); // 2
    put(bucket, "b", "3"); // 3
    WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 1);
    assertEquals(1, bucket.purgeDeletes());
    assertEquals(0, bucket.forgottenMarkerBytes(), "the reader has not heard of a yet");
    Recorder recorder = new Recorder().drain(cursor);
    assertEquals(List.of("3:PUT:b=3", "EOD"), recorder.seen);
  }

  @Test
  void aHistoryReplayDeliversTheMarkerOfAKeyForgottenAfterItsValueWasDelivered() {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(4 << 20).history(4));
    put(bucket, "k", "1"); // 1
    put(bucket, "k", "2"); // 2
    delete(bucket, "k"); // 3
    put(bucket, "other", "4"); // 4
    WatchCursor cursor = bucket.watch(WatchStart.INCLUDE_HISTORY, 1);
    Recorder recorder = new Recorder();
    assertEquals(1, cursor.poll(recorder, 1));
    assertEquals(1, bucket.purgeDeletes());
    recorder.drain(cursor);
    assertEquals(List.of("1:PUT:k=1", "3:DELETE:k", "4:PUT:other=4", "EOD"), recorder.seen);
    assertEquals(0, cursor.resets());
  }

  @Test
  void aLappedCursorResyncsWithTheKeptMarkersOfForgottenKeys() {
    OffHeapBucket bucket = bucket(BucketConfig.builder().maxBytes(4 << 20).journalSize(16));
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Recorder recorder = new Recorder().drain(cursor);
    put(bucket, "k", "v"); // 1
    recorder.drain(cursor);
    delete(bucket, "k"); // 2
    assertEquals(1, bucket.purgeDeletes());
    for (int i = 0; i < 40; i++) {
      put(bucket, "n" + (i % 4), "v" + i); // 3 to 42
    }
    recorder.drain(cursor);
    assertEquals(1, cursor.resyncs(), "40 writes lap a 16-slot journal");
    assertEquals(0, cursor.resets());
    assertEquals(
        List.of(
            "EOD",
            "1:PUT:k=v",
            "2:DELETE:k",
            "39:PUT:n0=v36",
            "40:PUT:n1=v37",
            "41:PUT:n2=v38",
            "42:PUT:n3=v39"),
        recorder.seen);
    assertViewMatches(bucket, recorder);
  }

  @Test
  void aLappedCursorThatLostAMarkerResetsInsteadOfResyncing() {
    OffHeapBucket bucket =
        bucket(BucketConfig.builder().maxBytes(4 << 20).journalSize(16).forgottenMarkerBytes(0));
    WatchCursor cursor = bucket.watch(WatchStart.UPDATES_ONLY, 1);
    Recorder recorder = new Recorder().drain(cursor);
    put(bucket, "k", "v"); // 1
    recorder.drain(cursor);
    delete(bucket, "k"); // 2
    assertEquals(1, bucket.purgeDeletes());
    for (int i = 0; i < 40; i++) {
      put(bucket, "n" + (i % 4), "v" + i); // 3 to 42
    }
    recorder.drain(cursor);
    assertEquals(1, cursor.resyncs());
    assertEquals(1, cursor.resets());
    assertEquals(
        List.of(
            "EOD",
            "1:PUT:k=v",
            "RESET",
            "39:PUT:n0=v36",
            "40:PUT:n1=v37",
            "41:PUT:n2=v38",
            "42:PUT:n3=v39",
            "EOD"),
        recorder.seen);
    assertViewMatches(bucket, recorder);
  }
}
