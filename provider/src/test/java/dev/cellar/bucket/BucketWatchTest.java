package dev.cellar.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.Bucket;
import dev.cellar.BucketEntry;
import dev.cellar.KeyFilter;
import dev.cellar.Watch;
import dev.cellar.WatchOption;
import dev.cellar.Watcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BucketWatchTest {
  private static final String EOD = "EOD";
  private static final String RESET = "RESET";

  private final Buckets buckets = new Buckets();
  private final List<Watch> watches = new ArrayList<>();

  @AfterEach
  void close() {
    watches.forEach(Watch::close);
    buckets.close();
  }

  /** Collects "OP key@revision=value" and "EOD". */
  private static class Collector implements Watcher<String, String> {
    final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    @Override
    public void onEntry(BucketEntry<String, String> entry) {
      seen.add(
          entry.operation() + " " + entry.key() + "@" + entry.revision() + "=" + entry.value());
    }

    @Override
    public void onEndOfData() {
      seen.add(EOD);
    }

    @Override
    public void onReset() {
      seen.add(RESET);
    }

    List<String> take(int count) throws InterruptedException {
      List<String> result = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String next = seen.poll(10, TimeUnit.SECONDS);
        if (next == null) {
          throw new AssertionError("only " + result + " arrived");
        }
        result.add(next);
      }
      return result;
    }

    void assertQuiet() throws InterruptedException {
      assertNull(seen.poll(100, TimeUnit.MILLISECONDS));
    }
  }

  /**
   * A collector that, on the entry of {@code gateKey}, opens {@code inGate} and then waits, inside
   * the watch's callback, until {@code release} opens: a watcher busy for as long as a test needs.
   */
  private static Collector gatedCollector(
      String gateKey, CountDownLatch inGate, CountDownLatch release) {
    return new Collector() {
      @Override
      public void onEntry(BucketEntry<String, String> entry) {
        super.onEntry(entry);
        if (entry.key().equals(gateKey)) {
          inGate.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
  }

  private Bucket<String, String> bucket() {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config().setHistory(5));
    bucket.put("a.1", "x"); // 1
    bucket.put("b.1", "y"); // 2
    bucket.put("a.1", "x2"); // 3
    bucket.put("a.2", "z"); // 4
    bucket.delete("a.2"); // 5
    return bucket;
  }

  private Watch watch(Watch watch) {
    watches.add(watch);
    return watch;
  }

  @Test
  void byDefaultTheLatestRecordPerKeyThenEndOfDataThenLiveChanges() throws Exception {
    Bucket<String, String> bucket = bucket();
    Collector collector = new Collector();
    Watch watch = watch(bucket.watch(KeyFilter.pattern("a.*"), collector));
    assertEquals(List.of("PUT a.1@3=x2", "DELETE a.2@5=null", EOD), collector.take(3));
    bucket.put("b.1", "ignored");
    bucket.put("a.3", "new");
    assertEquals(List.of("PUT a.3@7=new"), collector.take(1));
    assertEquals(7, watch.lastRevision());
    collector.assertQuiet();
  }

  @Test
  void aRecordTheFilterChokesOnIsSkippedAndTheWatchGoesOn() throws Exception {
    Bucket<String, String> bucket = bucket();
    Collector collector = new Collector();
    KeyFilter choking =
        key -> {
          if (key.equals("bad")) {
            throw new IllegalStateException("the filter cannot handle " + key);
          }
          return key.toString().startsWith("a.");
        };
    Watch watch = watch(bucket.watch(choking, 5, collector));
    assertEquals(List.of("DELETE a.2@5=null", EOD), collector.take(2));
    bucket.put("bad", "1"); // 6
    bucket.put("a.3", "after"); // 7
    assertEquals(List.of("PUT a.3@7=after"), collector.take(1));
    assertEquals(7, watch.lastRevision());
  }

  @Test
  void includeHistoryReplaysEveryRetainedRecord() throws Exception {
    Bucket<String, String> bucket = bucket();
    Collector collector = new Collector();
    watch(bucket.watch(KeyFilter.prefix("a."), collector, WatchOption.INCLUDE_HISTORY));
    assertEquals(
        List.of("PUT a.1@1=x", "PUT a.1@3=x2", "PUT a.2@4=z", "DELETE a.2@5=null", EOD),
        collector.take(5));
  }

  @Test
  void updatesOnlyStartsWithEndOfData() throws Exception {
    Bucket<String, String> bucket = bucket();
    Collector collector = new Collector();
    Watch watch = watch(bucket.watch(KeyFilter.all(), collector, WatchOption.UPDATES_ONLY));
    assertEquals(List.of(EOD), collector.take(1));
    assertEquals(0, watch.lastRevision());
    bucket.purge("a.1");
    assertEquals(List.of("PURGE a.1@6=null"), collector.take(1));
  }

  @Test
  void ignoreDeletesDeliversPutsOnlyAndNeverAnOlderPut() throws Exception {
    Bucket<String, String> bucket = bucket();
    Collector collector = new Collector();
    watch(bucket.watch(KeyFilter.all(), collector, WatchOption.IGNORE_DELETES));
    assertEquals(List.of("PUT b.1@2=y", "PUT a.1@3=x2", EOD), collector.take(3));
    bucket.delete("a.1");
    bucket.purge("b.1");
    bucket.put("c", "1");
    assertEquals(List.of("PUT c@8=1"), collector.take(1));
    collector.assertQuiet();
  }

  @Test
  void metaOnlyDeliversNoValues() throws Exception {
    Bucket<String, String> bucket = bucket();
    Collector collector = new Collector();
    watch(bucket.watch(KeyFilter.pattern("b.>"), collector, WatchOption.META_ONLY));
    assertEquals(List.of("PUT b.1@2=null", EOD), collector.take(2));
  }

  @Test
  void fromRevisionReplaysRetainedRecordsFromThere() throws Exception {
    Bucket<String, String> bucket = bucket();
    Collector collector = new Collector();
    watch(bucket.watch(KeyFilter.all(), 3, collector));
    assertEquals(
        List.of("PUT a.1@3=x2", "PUT a.2@4=z", "DELETE a.2@5=null", EOD), collector.take(4));
  }

  @Test
  void fromRevisionAboveTheLatestWaitsForIt() throws Exception {
    Bucket<String, String> bucket = bucket();
    Collector collector = new Collector();
    watch(bucket.watch(KeyFilter.all(), 7, collector));
    assertEquals(List.of(EOD), collector.take(1));
    bucket.put("x", "6");
    bucket.put("x", "7");
    assertEquals(List.of("PUT x@7=7"), collector.take(1));
    collector.assertQuiet();
  }

  @Test
  void badWatchArgumentsAreRefused() {
    Bucket<String, String> bucket = bucket();
    Watcher<String, String> watcher = entry -> {};
    assertThrows(NullPointerException.class, () -> bucket.watch(null, watcher));
    assertThrows(NullPointerException.class, () -> bucket.watch(KeyFilter.all(), null));
    assertThrows(
        NullPointerException.class,
        () -> bucket.watch(KeyFilter.all(), watcher, (WatchOption) null));
    assertThrows(IllegalArgumentException.class, () -> bucket.watch(KeyFilter.all(), 0, watcher));
  }

  @Test
  void closeWaitsForACallInProgressAndStopsDelivery() throws Exception {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config());
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean returned = new AtomicBoolean();
    AtomicInteger calls = new AtomicInteger();
    Watch watch =
        watch(
            bucket.watch(
                KeyFilter.all(),
                entry -> {
                  calls.incrementAndGet();
                  inside.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  returned.set(true);
                },
                WatchOption.UPDATES_ONLY));
    bucket.put("a", "1");
    assertTrue(inside.await(10, TimeUnit.SECONDS));
    Thread closer =
        new Thread(
            () -> {
              watch.close();
              assertTrue(returned.get(), "close returned before the call in progress");
            });
    closer.start();
    Thread.sleep(100);
    assertTrue(closer.isAlive(), "close waits for the call in progress");
    release.countDown();
    closer.join(10_000);
    bucket.put("a", "2");
    Thread.sleep(100);
    assertEquals(1, calls.get());
    watch.close(); // again: nothing happens
  }

  @Test
  void closeFromInsideTheWatcher() throws Exception {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config());
    AtomicInteger calls = new AtomicInteger();
    Watch[] self = new Watch[1];
    CountDownLatch started = new CountDownLatch(1);
    self[0] =
        watch(
            bucket.watch(
                KeyFilter.all(),
                new Watcher<>() {
                  @Override
                  public void onEntry(BucketEntry<String, String> entry) {
                    calls.incrementAndGet();
                    self[0].close();
                    self[0].close();
                  }

                  @Override
                  public void onEndOfData() {
                    started.countDown();
                  }
                }));
    assertTrue(started.await(10, TimeUnit.SECONDS));
    bucket.put("a", "1");
    bucket.put("b", "1");
    Thread.sleep(200);
    assertEquals(1, calls.get());
    assertEquals(1, self[0].lastRevision());
  }

  @Test
  void aBusyWatcherStillReceivesADeleteWhoseMarkerPurgeDeletesForgot() throws Exception {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config());
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Collector collector = gatedCollector("order.0", inFirst, release);
    Watch watch =
        watch(bucket.watch(KeyFilter.prefix("order."), collector, WatchOption.UPDATES_ONLY));
    assertEquals(List.of(EOD), collector.take(1));
    bucket.put("order.1", "placed"); // 1
    assertEquals(List.of("PUT order.1@1=placed"), collector.take(1));
    bucket.put("order.0", "first"); // 2: the watcher is busy with it for a while
    assertTrue(inFirst.await(10, TimeUnit.SECONDS));
    bucket.delete("order.1"); // 3
    assertEquals(1, bucket.purgeDeletes(), "purgeDeletes forgets order.1 and its marker");
    assertNull(bucket.get("order.1"));
    // Kept for the busy watcher: the marker's 40-byte header and 7-byte key, and 96 for the entry.
    assertEquals(96 + 40 + 7, bucket.status().forgottenMarkerBytes());
    release.countDown();
    assertEquals(List.of("PUT order.0@2=first", "DELETE order.1@3=null"), collector.take(2));
    collector.assertQuiet();
    assertEquals(3, watch.lastRevision());
    // Read by the only watch: let go once that watch's poll ends.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (bucket.status().forgottenMarkerBytes() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, bucket.status().forgottenMarkerBytes());
  }

  @Test
  void aWatcherBehindMoreForgottenMarkersThanTheBucketKeepsIsResetAndGetsTheCurrentState()
      throws Exception {
    // 16 MiB: a journal of 16,384 revisions, not lapped below, and 1 MiB for forgotten markers,
    // less than the 7,500 forgotten below take (each is charged at least 146 bytes)
    Bucket<String, String> bucket = buckets.bucket(Buckets.config().setMaxBytes(16L << 20));
    bucket.put("keep", "1"); // 1
    for (int i = 0; i < 7500; i++) {
      bucket.put("k" + i, "v"); // 2 to 7501
    }
    CountDownLatch inGate = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Collector collector = gatedCollector("gate", inGate, release);
    watch(bucket.watch(KeyFilter.all(), collector, WatchOption.UPDATES_ONLY));
    assertEquals(List.of(EOD), collector.take(1));
    bucket.put("gate", "g"); // 7502
    assertTrue(inGate.await(10, TimeUnit.SECONDS));
    for (int i = 0; i < 7500; i++) {
      bucket.delete("k" + i); // 7503 to 15002
    }
    assertEquals(7500, bucket.purgeDeletes());
    bucket.put("after", "x"); // 15003
    release.countDown();
    assertEquals(
        List.of(
            "PUT gate@7502=g", RESET, "PUT keep@1=1", "PUT gate@7502=g", "PUT after@15003=x", EOD),
        collector.take(6));
    collector.assertQuiet();
    bucket.put("live", "y");
    assertEquals(List.of("PUT live@15004=y"), collector.take(1));
  }

  @Test
  void withNoRoomForForgottenMarkersABusyWatcherResetsInstead() throws Exception {
    Cache<String, String> cache = buckets.cache(Buckets.config().setForgottenMarkerBytes(0));
    assertEquals(
        0, cache.unwrap(dev.cellar.engine.OffHeapBucket.class).config().forgottenMarkerBytes());
    Bucket<String, String> bucket = Buckets.bucketOf(cache);
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Collector collector = gatedCollector("order.0", inFirst, release);
    watch(bucket.watch(KeyFilter.prefix("order."), collector, WatchOption.UPDATES_ONLY));
    assertEquals(List.of(EOD), collector.take(1));
    bucket.put("order.1", "placed"); // 1
    assertEquals(List.of("PUT order.1@1=placed"), collector.take(1));
    bucket.put("order.0", "first"); // 2
    assertTrue(inFirst.await(10, TimeUnit.SECONDS));
    bucket.delete("order.1"); // 3
    assertEquals(1, bucket.purgeDeletes());
    assertEquals(0, bucket.status().forgottenMarkerBytes(), "nothing may be kept");
    release.countDown();
    // The DELETE is lost, so the watch starts over from what is there.
    assertEquals(
        List.of("PUT order.0@2=first", RESET, "PUT order.0@2=first", EOD), collector.take(4));
    collector.assertQuiet();
  }

  @Test
  void byDefaultTheEngineSizesTheRoomForForgottenMarkersByItsJournal() {
    Cache<String, String> cache = buckets.cache(Buckets.config());
    // 64 MiB: a journal of 65,536 revisions, 64 bytes each.
    assertEquals(
        4L << 20,
        cache.unwrap(dev.cellar.engine.OffHeapBucket.class).config().forgottenMarkerBytes());
  }

  @Test
  void clearingTheCacheResetsTheWatchWithWhatIsLeft() throws Exception {
    Cache<String, String> cache = buckets.cache(Buckets.config());
    Bucket<String, String> bucket = Buckets.bucketOf(cache);
    bucket.put("a", "1"); // 1
    bucket.put("b", "2"); // 2
    Collector collector = new Collector();
    watch(bucket.watch(KeyFilter.all(), collector));
    assertEquals(List.of("PUT a@1=1", "PUT b@2=2", EOD), collector.take(3));
    cache.clear(); // no revision
    cache.put("c", "3"); // 3
    // The watch may reset before or after the put: c comes in the replay, or live after it.
    List<String> afterClear = collector.take(3);
    assertTrue(
        afterClear.equals(List.of(RESET, "PUT c@3=3", EOD))
            || afterClear.equals(List.of(RESET, EOD, "PUT c@3=3")),
        afterClear.toString());
    collector.assertQuiet();
    bucket.put("d", "4");
    assertEquals(List.of("PUT d@4=4"), collector.take(1));
  }

  @Test
  void aSlowWatcherIsResyncedAndSeesTheLatestRecordOfEveryChangedKey() throws Exception {
    // 4 MiB gives a journal of 4,096 revisions, which the writes below lap
    Bucket<String, String> bucket = buckets.bucket(Buckets.config().setMaxBytes(4L << 20));
    CountDownLatch release = new CountDownLatch(1);
    Map<String, Long> latest = new HashMap<>();
    List<Long> revisions = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    int keys = 10;
    int writes = 20_000;
    watch(
        bucket.watch(
            KeyFilter.all(),
            entry -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              synchronized (revisions) {
                revisions.add(entry.revision());
                latest.put(entry.key(), entry.revision());
              }
              if (entry.revision() == writes) {
                done.countDown();
              }
            },
            WatchOption.UPDATES_ONLY));
    long[] last = new long[keys];
    for (int i = 0; i < writes; i++) {
      last[i % keys] = bucket.put("k" + (i % keys), "v" + i);
    }
    release.countDown();
    assertTrue(done.await(20, TimeUnit.SECONDS));
    synchronized (revisions) {
      for (int i = 1; i < revisions.size(); i++) {
        assertTrue(revisions.get(i) > revisions.get(i - 1), "revisions increase");
      }
      assertTrue(revisions.size() < writes, "the watcher skipped lapped revisions");
      for (int k = 0; k < keys; k++) {
        assertEquals(last[k], latest.get("k" + k), "k" + k);
      }
    }
  }
}
