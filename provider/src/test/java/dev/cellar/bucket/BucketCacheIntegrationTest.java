package dev.cellar.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.Bucket;
import dev.cellar.jcache.CellarCache;
import dev.cellar.jcache.EventRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BucketCacheIntegrationTest {
  private final Buckets buckets = new Buckets();
  private final TestClock clock = new TestClock(1_000L);

  @AfterEach
  void closeCaches() {
    buckets.close();
  }

  @Test
  void listenersHearBucketWritesThatHappenedOnly() {
    EventRecorder<String> recorder = new EventRecorder<>();
    var config = Buckets.config().setClock(clock);
    config.addCacheEntryListenerConfiguration(
        new MutableCacheEntryListenerConfiguration<>(
            new FactoryBuilder.SingletonFactory<>(recorder), null, true, true));
    Bucket<String, String> bucket = buckets.bucket(config);
    bucket.create("a", "1");
    bucket.create("a", "x"); // fails: no event
    bucket.update("a", "2", 1);
    bucket.update("a", "x", 1); // fails: no event
    bucket.put("a", "3");
    bucket.delete("a");
    bucket.delete("a"); // nothing to delete: no event
    bucket.put("b", "1");
    bucket.purge("b");
    bucket.purge("b"); // purge over a marker: no event
    bucket.put("c", "1", Duration.ofMillis(5));
    clock.advance(5);
    bucket.get("c");
    // the background sweep may record c's expiry first; its event then arrives on a listener lane
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (recorder.seen.size() < 8 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(
        List.of(
            "CREATED a null->1",
            "UPDATED a 1->2",
            "UPDATED a 2->3",
            "REMOVED a 3->3",
            "CREATED b null->1",
            "REMOVED b 1->1",
            "CREATED c null->1",
            "EXPIRED c 1->1"),
        List.copyOf(recorder.seen));
  }

  @Test
  void statisticsCountSuccessfulBucketWrites() {
    Cache<String, String> cache = buckets.cache(Buckets.config().setStatisticsEnabled(true));
    Bucket<String, String> bucket = Buckets.bucketOf(cache);
    bucket.put("a", "1");
    bucket.put("a", "2", Duration.ofSeconds(5));
    bucket.create("b", "1");
    bucket.create("b", "1"); // fails
    bucket.update("b", "2", 3);
    bucket.update("b", "2", 3); // fails: stale
    bucket.delete("a");
    bucket.delete("a"); // fails
    bucket.delete("b", 99); // fails
    bucket.purge("b"); // purges a live value
    bucket.purge("never"); // no live value: not a removal
    bucket.get("b");
    var statistics = cache.unwrap(CellarCache.class).statistics();
    assertEquals(4, statistics.getCachePuts());
    assertEquals(2, statistics.getCacheRemovals());
    assertEquals(0, statistics.getCacheHits(), "bucket reads are not counted");
    assertEquals(0, statistics.getCacheMisses());
  }

  /** A loader and writer that count their calls. */
  public static final class Counting
      implements CacheLoader<String, String>, CacheWriter<String, String> {
    static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public String load(String key) {
      CALLS.incrementAndGet();
      return "loaded";
    }

    @Override
    public java.util.Map<String, String> loadAll(Iterable<? extends String> keys) {
      CALLS.incrementAndGet();
      return java.util.Map.of();
    }

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      CALLS.incrementAndGet();
    }

    @Override
    public void writeAll(java.util.Collection<Cache.Entry<? extends String, ? extends String>> e) {
      CALLS.incrementAndGet();
    }

    @Override
    public void delete(Object key) {
      CALLS.incrementAndGet();
    }

    @Override
    public void deleteAll(java.util.Collection<?> keys) {
      CALLS.incrementAndGet();
    }
  }

  @Test
  void bucketCallsNeitherLoaderNorWriter() {
    Counting.CALLS.set(0);
    var config = Buckets.config();
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(Counting.class)).setReadThrough(true);
    config.setCacheWriterFactory(FactoryBuilder.factoryOf(Counting.class)).setWriteThrough(true);
    Bucket<String, String> bucket = buckets.bucket(config);
    bucket.get("missing");
    bucket.put("a", "1");
    bucket.create("b", "1");
    bucket.update("a", "2", 1);
    bucket.delete("a");
    bucket.purge("b");
    assertEquals(0, Counting.CALLS.get());
  }

  @Test
  void concurrentUpdatesHaveExactlyOneWinnerPerRevision() throws Exception {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config().setHistory(64));
    int threads = 4;
    int rounds = 200;
    long expected = bucket.put("k", "start");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        CountDownLatch go = new CountDownLatch(1);
        long revision = expected;
        List<Future<Long>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String value = round + ":" + t;
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return bucket.update("k", value, revision);
                  }));
        }
        go.countDown();
        long winner = 0;
        int wins = 0;
        for (Future<Long> result : results) {
          long got = result.get(10, TimeUnit.SECONDS);
          if (got != 0) {
            wins++;
            winner = got;
          }
        }
        assertEquals(1, wins, "round " + round);
        assertEquals(revision + 1, winner);
        expected = winner;
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(rounds + 1, bucket.revision());
    assertTrue(bucket.get("k").value().startsWith((rounds - 1) + ":"));
  }

  @Test
  void concurrentCreatesHaveExactlyOneWinner() throws Exception {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 100; round++) {
        String key = "key" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return bucket.create(key, "v");
                  }));
        }
        go.countDown();
        int wins = 0;
        for (Future<Long> result : results) {
          wins += result.get(10, TimeUnit.SECONDS) != 0 ? 1 : 0;
        }
        assertEquals(1, wins, key);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(100, bucket.revision());
  }
}
