package dev.cellar.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.Atomic;
import dev.cellar.Bucket;
import dev.cellar.BucketEntry;
import dev.cellar.CommitResult;
import dev.cellar.Operation;
import dev.cellar.jcache.CellarCache;
import dev.cellar.jcache.EventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Bucket#atomic()}: all or nothing, exact revisions, events, statistics, concurrency. */
class BucketAtomicTest {
  private final Buckets buckets = new Buckets();
  private final TestClock clock = new TestClock(1_000L);

  @AfterEach
  void closeCaches() {
    buckets.close();
  }

  private static List<String> history(Bucket<String, String> bucket, String key) {
    List<String> seen = new ArrayList<>();
    for (BucketEntry<String, String> entry : bucket.history(key)) {
      seen.add(entry.revision() + ":" + entry.operation() + "=" + entry.value());
    }
    return seen;
  }

  @Test
  void anOkCommitWritesEverythingWithConsecutiveRevisions() {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config().setHistory(5));
    assertEquals(1, bucket.put("a", "1"));
    assertEquals(2, bucket.put("b", "2"));
    CommitResult result =
        bucket
            .atomic()
            .check("a", 1)
            .check("b", 2)
            .check("c", 0)
            .put("a", "10")
            .delete("b")
            .put("c", "30")
            .put("a", "11")
            .commit();
    assertTrue(result.ok());
    assertEquals(6, result.revision());
    assertEquals(6, bucket.revision());
    assertEquals(List.of("1:PUT=1", "3:PUT=10", "6:PUT=11"), history(bucket, "a"));
    assertEquals(List.of("2:PUT=2", "4:DELETE=null"), history(bucket, "b"));
    assertEquals(List.of("5:PUT=30"), history(bucket, "c"));
  }

  @Test
  void aFailingCheckBlocksEveryWrite() {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config());
    bucket.put("a", "1");
    bucket.put("b", "2");
    CommitResult result =
        bucket.atomic().put("a", "x").delete("b").put("n", "new").check("b", 1).commit();
    assertFalse(result.ok());
    assertEquals(0, result.revision());
    assertEquals(2, bucket.revision());
    assertEquals("1", bucket.get("a").value());
    assertEquals("2", bucket.get("b").value());
    assertNull(bucket.get("n"));
    assertFalse(bucket.atomic().check("a", 0).put("n", "new").commit().ok());
    assertFalse(bucket.atomic().check("never", 5).commit().ok());
    assertEquals(2, bucket.revision());
  }

  @Test
  void checksCountMarkersAsTheLatestRecord() {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config());
    bucket.put("k", "1");
    assertEquals(2, bucket.delete("k"));
    assertFalse(bucket.atomic().check("k", 1).put("k", "x").commit().ok());
    CommitResult overDelete = bucket.atomic().check("k", 2).put("k", "2").commit();
    assertEquals(3, overDelete.revision());
    assertEquals(4, bucket.purge("k"));
    CommitResult overPurge = bucket.atomic().check("k", 4).check("k", 0).put("k", "3").commit();
    assertTrue(overPurge.ok());
    assertEquals(5, overPurge.revision());
    assertEquals("3", bucket.get("k").value());
  }

  @Test
  void aCommitWithoutWritesIsOkAtTheLatestRevision() {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config());
    CommitResult empty = bucket.atomic().commit();
    assertTrue(empty.ok());
    assertEquals(0, empty.revision());
    bucket.put("a", "1");
    bucket.put("b", "1");
    CommitResult checksOnly = bucket.atomic().check("a", 1).delete("missing").commit();
    assertTrue(checksOnly.ok());
    assertEquals(2, checksOnly.revision());
    assertEquals(2, bucket.revision());
  }

  @Test
  void ttlsAndTheExpiryPolicyApply() {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config().setClock(clock));
    CommitResult result =
        bucket.atomic().put("t", "1", Duration.ofSeconds(2)).put("e", "2").commit();
    assertEquals(2, result.revision());
    assertEquals(Instant.ofEpochMilli(3_000L), bucket.get("t").expiresAt());
    assertNull(bucket.get("e").expiresAt());
    clock.advance(2_000);
    assertNull(bucket.get("t"));
    List<BucketEntry<String, String>> history = bucket.history("t");
    assertEquals(1, history.size());
    assertEquals(Operation.EXPIRE, history.get(0).operation());
    assertEquals(3, history.get(0).revision());
  }

  @Test
  void listenersHearEveryWriteOfACommitAndNothingOfAFailedOne() {
    EventRecorder<String> recorder = new EventRecorder<>();
    var config = Buckets.config();
    config.addCacheEntryListenerConfiguration(
        new MutableCacheEntryListenerConfiguration<>(
            new FactoryBuilder.SingletonFactory<>(recorder), null, true, true));
    Bucket<String, String> bucket = buckets.bucket(config);
    bucket.put("a", "1");
    assertFalse(bucket.atomic().put("a", "x").put("b", "x").check("a", 7).commit().ok());
    assertTrue(bucket.atomic().put("a", "2").put("b", "1").delete("a").delete("c").commit().ok());
    assertEquals(
        List.of("CREATED a null->1", "UPDATED a 1->2", "CREATED b null->1", "REMOVED a 2->2"),
        recorder.seen);
  }

  @Test
  void statisticsCountOnlyWritesThatHappened() {
    Cache<String, String> cache = buckets.cache(Buckets.config().setStatisticsEnabled(true));
    Bucket<String, String> bucket = Buckets.bucketOf(cache);
    bucket.atomic().put("a", "1").put("b", "1").put("c", "1").commit();
    bucket.atomic().put("a", "2").delete("b").check("c", 99).commit(); // fails
    bucket.atomic().put("a", "2").delete("b").delete("b").delete("missing").commit();
    var statistics = cache.unwrap(CellarCache.class).statistics();
    assertEquals(4, statistics.getCachePuts());
    assertEquals(1, statistics.getCacheRemovals());
  }

  @Test
  void badArgumentsAreRejectedWhenAdded() {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config());
    Atomic<String, String> atomic = bucket.atomic();
    assertThrows(NullPointerException.class, () -> atomic.check(null, 0));
    assertThrows(NullPointerException.class, () -> atomic.put(null, "v"));
    assertThrows(NullPointerException.class, () -> atomic.put("k", null));
    assertThrows(NullPointerException.class, () -> atomic.put("k", "v", null));
    assertThrows(NullPointerException.class, () -> atomic.delete(null));
    assertThrows(IllegalArgumentException.class, () -> atomic.put("k", "v", Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> atomic.put("k", "v", Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> atomic.check("k", -1));
    assertEquals(0, atomic.commit().revision());
  }

  @Test
  void aClosedCacheRejectsTheCommitOfAnEarlierAtomic() {
    Cache<String, String> cache = buckets.cache(Buckets.config());
    Bucket<String, String> bucket = Buckets.bucketOf(cache);
    Atomic<String, String> atomic = bucket.atomic().put("a", "1");
    cache.close();
    assertThrows(IllegalStateException.class, atomic::commit);
    assertThrows(IllegalStateException.class, () -> atomic.put("b", "2"));
    assertThrows(IllegalStateException.class, bucket::atomic);
  }

  @Test
  void concurrentTransfersKeepTheTotal() throws Exception {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config());
    int accounts = 6;
    for (int i = 0; i < accounts; i++) {
      bucket.put("acct-" + i, "100");
    }
    AtomicInteger committed = new AtomicInteger();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int seed = t;
      Thread thread =
          new Thread(
              () -> {
                Random random = new Random(seed);
                for (int i = 0; i < 1000; i++) {
                  String from = "acct-" + random.nextInt(accounts);
                  String to = "acct-" + random.nextInt(accounts);
                  if (from.equals(to)) {
                    continue;
                  }
                  BucketEntry<String, String> a = bucket.get(from);
                  BucketEntry<String, String> b = bucket.get(to);
                  CommitResult result =
                      bucket
                          .atomic()
                          .check(from, a.revision())
                          .check(to, b.revision())
                          .put(from, Integer.toString(Integer.parseInt(a.value()) - 1))
                          .put(to, Integer.toString(Integer.parseInt(b.value()) + 1))
                          .commit();
                  if (result.ok()) {
                    committed.incrementAndGet();
                  }
                }
              });
      thread.setUncaughtExceptionHandler((th, e) -> errors.add(e));
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(List.of(), errors);
    int total = 0;
    for (int i = 0; i < accounts; i++) {
      total += Integer.parseInt(bucket.get("acct-" + i).value());
    }
    assertEquals(100 * accounts, total);
    assertTrue(committed.get() > 50, "too few commits succeeded: " + committed.get());
  }
}
