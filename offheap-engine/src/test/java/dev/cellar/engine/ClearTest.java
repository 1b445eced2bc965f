package dev.cellar.engine;

import static dev.cellar.engine.TestBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.engine.WatchForgottenMarkersTest.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OffHeapBucket#clear()} writes no revisions, yet watch cursors learn of it (they reset and
 * replay what is left), and it never erases part of an atomic commit.
 */
class ClearTest {
  private final List<OffHeapBucket> buckets = new ArrayList<>();

  @AfterEach
  void close() {
    buckets.forEach(OffHeapBucket::close);
  }

  private OffHeapBucket bucket(int segments) {
    OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(16 << 20)
                .segments(segments)
                .sweepIntervalMillis(0)
                .build());
    buckets.add(bucket);
    return bucket;
  }

  private static long put(OffHeapBucket bucket, String key, String value) {
    UnsafeBuffer k = utf8(key);
    UnsafeBuffer v = utf8(value);
    return bucket.put(k, 0, k.capacity(), v, 0, v.capacity(), 0);
  }

  private static boolean contains(OffHeapBucket bucket, String key) {
    UnsafeBuffer k = utf8(key);
    return bucket.containsKey(k, 0, k.capacity());
  }

  @Test
  void aCursorThatCaughtUpResetsAndReplaysWhatIsLeft() {
    OffHeapBucket bucket = bucket(4);
    put(bucket, "a", "1");
    put(bucket, "b", "2");
    WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 0);
    Recorder recorder = new Recorder().drain(cursor);
    assertEquals(List.of("1:PUT:a=1", "2:PUT:b=2", "EOD"), recorder.seen);

    bucket.clear();
    put(bucket, "c", "3");
    recorder.seen.clear();
    recorder.drain(cursor);
    assertEquals(List.of("RESET", "3:PUT:c=3", "EOD"), recorder.seen);
    assertEquals(1, cursor.resets());

    put(bucket, "d", "4");
    recorder.seen.clear();
    recorder.drain(cursor);
    assertEquals(List.of("4:PUT:d=4"), recorder.seen, "then live again, with no second reset");
    assertEquals(1, cursor.resets());
    cursor.close();
  }

  @Test
  void aCursorMidReplayStartsOverFromTheClearedState() {
    OffHeapBucket bucket = bucket(4);
    for (int i = 0; i < 10; i++) {
      put(bucket, "k" + i, "v" + i);
    }
    WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 0);
    Recorder recorder = new Recorder();
    assertEquals(3, cursor.poll(recorder, 3));
    bucket.clear();
    put(bucket, "after", "x");
    recorder.seen.clear();
    recorder.drain(cursor);
    assertEquals(List.of("RESET", "11:PUT:after=x", "EOD"), recorder.seen);
    assertTrue(recorder.view.containsKey("after"));
    assertEquals(1, recorder.view.size(), "the watcher's view holds only what is left");
    cursor.close();
  }

  @Test
  void aClearNeverErasesHalfAnAtomicCommit() throws Exception {
    OffHeapBucket bucket = bucket(16);
    int rounds = 150;
    int pairs = 200;
    for (int round = 0; round < rounds; round++) {
      String prefix = "r" + round + "-";
      CountDownLatch start = new CountDownLatch(1);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread clearer =
          new Thread(
              () -> {
                try {
                  start.await();
                  // Somewhere inside the writer's run of commits.
                  for (int spin = ThreadLocalRandom.current().nextInt(20_000); spin > 0; spin--) {
                    Thread.onSpinWait();
                  }
                  bucket.clear();
                } catch (Throwable e) {
                  failure.set(e);
                }
              });
      clearer.start();
      start.countDown();
      for (int i = 0; i < pairs; i++) {
        AtomicBatch batch = bucket.batch();
        UnsafeBuffer value = utf8("v");
        for (String side : new String[] {"a", "b", "c"}) {
          UnsafeBuffer key = utf8(prefix + side + i);
          batch.put(key, 0, key.capacity(), value, 0, value.capacity(), 0);
        }
        batch.commit();
      }
      clearer.join();
      assertEquals(null, failure.get());
      for (int i = 0; i < pairs; i++) {
        boolean a = contains(bucket, prefix + "a" + i);
        assertEquals(a, contains(bucket, prefix + "b" + i), "round " + round + " commit " + i);
        assertEquals(a, contains(bucket, prefix + "c" + i), "round " + round + " commit " + i);
      }
    }
  }
}
