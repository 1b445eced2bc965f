package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cellar.CellarConfiguration;
import dev.cellar.internal.management.CacheStatistics;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Entry processors and conditional writes racing on shared keys: exact final state and counts. */
class ConcurrentAtomicOpsTest {
  private static final int THREADS = 4;

  private static final EntryProcessor<String, Long, Long> INCREMENT =
      (entry, args) -> {
        long next = entry.exists() ? entry.getValue() + 1 : 1;
        entry.setValue(next);
        return next;
      };

  private CacheManager manager;
  private Cache<String, Long> cache;
  private CacheStatistics statistics;

  @BeforeEach
  void createCache() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:concurrent-ops-test"), getClass().getClassLoader());
    cache =
        manager.createCache(
            "racing",
            new CellarConfiguration<String, Long>()
                .setTypes(String.class, Long.class)
                .setStatisticsEnabled(true));
    statistics = cache.unwrap(CellarCache.class).statistics();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /** Runs {@code body(thread)} on {@link #THREADS} threads released together; rethrows failures. */
  private static void race(IntConsumer body) throws InterruptedException {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  body.accept(id);
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "racer-" + t);
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(10_000);
      assertFalse(thread.isAlive(), thread.getName() + " did not finish");
    }
    assertEquals(List.of(), failures);
  }

  private static List<String> keys(String prefix, int count) {
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(prefix + i);
    }
    return keys;
  }

  private void assertStatistics(long hits, long misses, long puts, long removals) {
    assertEquals(
        List.of(hits, misses, puts, removals, hits + misses),
        List.of(
            statistics.getCacheHits(),
            statistics.getCacheMisses(),
            statistics.getCachePuts(),
            statistics.getCacheRemovals(),
            statistics.getCacheGets()),
        "hits, misses, puts, removals, gets");
  }

  @Test
  void concurrentIncrementsByEntryProcessorLoseNothing() throws InterruptedException {
    List<String> keys = keys("counter-", 8);
    int perThread = 300;

    race(
        thread -> {
          for (int i = 0; i < perThread; i++) {
            for (int k = 0; k < keys.size(); k++) {
              cache.invoke(keys.get((k + thread + i) % keys.size()), INCREMENT);
            }
          }
        });

    // Each key: one invoke found it absent and created it, every other one updated it.
    long invokes = (long) keys.size() * THREADS * perThread;
    assertStatistics(invokes - keys.size(), keys.size(), invokes, 0);
    for (String key : keys) {
      assertEquals((long) THREADS * perThread, cache.get(key), key);
    }
  }

  @Test
  void racingPutIfAbsentHasExactlyOneWinnerPerKey() throws InterruptedException {
    List<String> keys = keys("claim-", 300);
    AtomicIntegerArray wins = new AtomicIntegerArray(keys.size());
    long[] winner = new long[keys.size()];

    race(
        thread -> {
          for (int i = 0; i < keys.size(); i++) {
            int k = (i + thread * 37) % keys.size();
            if (cache.putIfAbsent(keys.get(k), (long) thread)) {
              wins.incrementAndGet(k);
              winner[k] = thread; // published to the test thread by Thread.join
            }
          }
        });

    // A putIfAbsent that stores counts a miss and a put; one that finds a value counts a hit.
    assertStatistics((long) keys.size() * (THREADS - 1), keys.size(), keys.size(), 0);
    for (int k = 0; k < keys.size(); k++) {
      assertEquals(1, wins.get(k), "winners of " + keys.get(k));
      assertEquals(winner[k], cache.get(keys.get(k)), "value of " + keys.get(k));
    }
  }

  @Test
  void compareAndSetLoopsWithReplaceLoseNoUpdate() throws InterruptedException {
    List<String> keys = keys("cas-", 8);
    for (String key : keys) {
      cache.put(key, 0L);
    }
    statistics.clear();
    int perThread = 250;
    AtomicLong gets = new AtomicLong();
    AtomicLong attempts = new AtomicLong();
    AtomicLong successes = new AtomicLong();

    race(
        thread -> {
          for (int i = 0; i < perThread; i++) {
            for (int k = 0; k < keys.size(); k++) {
              String key = keys.get((k + thread) % keys.size());
              while (true) {
                Long current = cache.get(key);
                gets.incrementAndGet();
                attempts.incrementAndGet();
                if (cache.replace(key, current, current + 1)) {
                  successes.incrementAndGet();
                  break;
                }
              }
            }
          }
        });

    long increments = (long) keys.size() * THREADS * perThread;
    assertEquals(increments, successes.get());
    // Every key exists throughout: each get and each replace(k, old, new) is a hit, matched or not.
    assertStatistics(gets.get() + attempts.get(), 0, increments, 0);
    for (String key : keys) {
      assertEquals((long) THREADS * perThread, cache.get(key), key);
    }
  }

  @Test
  void racingRemovesRemoveEachKeyOnce() throws InterruptedException {
    List<String> keys = keys("gone-", 300);
    for (int k = 0; k < keys.size(); k++) {
      cache.put(keys.get(k), (long) k);
    }
    statistics.clear();
    AtomicIntegerArray removedBy = new AtomicIntegerArray(keys.size());
    AtomicLong getAndRemoveWins = new AtomicLong();
    AtomicLong getAndRemoveLosses = new AtomicLong();

    race(
        thread -> {
          for (int i = 0; i < keys.size(); i++) {
            int k = (i + thread * 53) % keys.size();
            String key = keys.get(k);
            if (thread % 2 == 0) {
              if (cache.remove(key)) {
                removedBy.incrementAndGet(k);
              }
            } else {
              Long old = cache.getAndRemove(key);
              if (old == null) {
                getAndRemoveLosses.incrementAndGet();
              } else {
                assertEquals(k, old.longValue(), "getAndRemove's value of " + key);
                getAndRemoveWins.incrementAndGet();
                removedBy.incrementAndGet(k);
              }
            }
          }
        });

    // remove(k) counts only a removal; getAndRemove counts a hit and a removal, or a miss.
    assertStatistics(getAndRemoveWins.get(), getAndRemoveLosses.get(), 0, keys.size());
    assertEquals(
        (long) keys.size() * THREADS / 2, getAndRemoveWins.get() + getAndRemoveLosses.get());
    for (int k = 0; k < keys.size(); k++) {
      assertEquals(1, removedBy.get(k), "removers of " + keys.get(k));
      assertNull(cache.get(keys.get(k)));
    }
  }
}
