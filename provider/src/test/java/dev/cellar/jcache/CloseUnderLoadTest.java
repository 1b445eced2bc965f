package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.RepeatedTest;

/** Closing a cache, its manager or the provider while threads use it: they stop cleanly. */
class CloseUnderLoadTest {
  private static final int WORKERS = 4;
  private static final EntryProcessor<Integer, String, String> APPEND =
      (entry, args) -> {
        String next = entry.exists() ? entry.getValue() + "+" : "0";
        entry.setValue(next.length() > 64 ? "0" : next);
        return next;
      };

  /** Threads hammering caches until each gets an {@link IllegalStateException}. */
  private static final class Load {
    final List<Thread> threads = new ArrayList<>();
    final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    final List<IllegalStateException> stopped = new CopyOnWriteArrayList<>();
    final AtomicLong operations = new AtomicLong();
    final CountDownLatch running;

    final int workers;

    Load(List<Cache<Integer, String>> caches) {
      this(caches, WORKERS);
    }

    Load(List<Cache<Integer, String>> caches, int workers) {
      this.workers = workers;
      running = new CountDownLatch(workers);
      for (int w = 0; w < workers; w++) {
        int worker = w;
        Cache<Integer, String> cache = caches.get(w % caches.size());
        Thread thread = new Thread(() -> work(cache, worker), "load-" + w);
        threads.add(thread);
      }
      threads.forEach(Thread::start);
    }

    private void work(Cache<Integer, String> cache, int worker) {
      try {
        for (long i = 0; ; i++) {
          int key = (int) ((i * 7 + worker) % 500);
          switch ((int) (i % 9)) {
            case 0 -> cache.put(key, "v" + i);
            case 1 -> cache.get(key);
            case 2 -> cache.invoke(key, APPEND);
            case 3 -> cache.putIfAbsent(key, "p" + i);
            case 4 -> cache.replace(key, "v" + (i - 4), "r" + i);
            case 5 -> cache.getAll(Set.of(key, key + 1, key + 2));
            case 6 -> cache.remove(key);
            case 7 -> {
              Map<Integer, String> batch = new HashMap<>();
              for (int k = 0; k < 8; k++) {
                batch.put((key + k) % 500, "b" + i);
              }
              cache.putAll(batch);
            }
            default -> {
              Iterator<Cache.Entry<Integer, String>> entries = cache.iterator();
              for (int n = 0; n < 20 && entries.hasNext(); n++) {
                entries.next().getValue();
              }
            }
          }
          operations.incrementAndGet();
          if (i == 100) {
            running.countDown();
          }
        }
      } catch (IllegalStateException e) {
        stopped.add(e);
      } catch (Throwable t) {
        unexpected.add(t);
      } finally {
        running.countDown();
      }
    }

    /** Waits until every worker has done some work, so the close lands in the middle of it. */
    void awaitRunning() throws InterruptedException {
      Await.until(
          Duration.ofSeconds(5),
          () -> running.getCount() == 0 && operations.get() > 2_000,
          "the workers to get going",
          () -> operations.get() + " operations, " + unexpected);
    }

    /** Every worker still runs and nothing went wrong. */
    void assertStillRunning() {
      assertEquals(List.of(), unexpected, "failures");
      assertEquals(List.of(), stopped, "workers stopped");
      for (Thread thread : threads) {
        assertTrue(thread.isAlive(), thread.getName() + " stopped");
      }
    }

    /** Every worker ended with an IllegalStateException and nothing else went wrong. */
    void assertStoppedCleanly() throws InterruptedException {
      for (Thread thread : threads) {
        thread.join(5_000);
        assertFalse(thread.isAlive(), thread.getName() + " still runs after the close");
      }
      assertEquals(List.of(), unexpected, "failures other than IllegalStateException");
      assertEquals(workers, stopped.size(), "workers stopped by IllegalStateException");
    }
  }

  private static CellarConfiguration<Integer, String> configuration() {
    CacheEntryCreatedListener<Integer, String> onCreated = events -> events.forEach(e -> {});
    CacheEntryUpdatedListener<Integer, String> onUpdated = events -> events.forEach(e -> {});
    return new CellarConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class)
        .setStatisticsEnabled(true)
        .setManagementEnabled(true)
        .addCacheEntryListenerConfiguration(
            new MutableCacheEntryListenerConfiguration<>(() -> onCreated, null, true, true))
        .addCacheEntryListenerConfiguration(
            new MutableCacheEntryListenerConfiguration<>(() -> onUpdated, null, true, false));
  }

  @RepeatedTest(3)
  void closingACacheInUseStopsItsUsersWithIllegalStateException() throws Exception {
    CachingProvider provider = new CellarCachingProvider();
    try (CacheManager manager =
        provider.getCacheManager(URI.create("cellar:close-cache"), getClass().getClassLoader())) {
      Cache<Integer, String> cache = manager.createCache("busy", configuration());
      Load load = new Load(List.of(cache));
      load.awaitRunning();

      cache.close();

      load.assertStoppedCleanly();
      assertTrue(cache.isClosed());
      assertThrows(IllegalStateException.class, () -> cache.get(1));
      assertNull(manager.getCache("busy"), "the manager forgot the closed cache");
      // The manager is still usable, and the name is free again.
      Cache<Integer, String> again = manager.createCache("busy", configuration());
      again.put(1, "one");
      assertEquals("one", again.get(1));
    }
  }

  @RepeatedTest(3)
  void closingTheCacheManagerInUseStopsTheUsersOfAllItsCaches() throws Exception {
    CachingProvider provider = new CellarCachingProvider();
    URI uri = URI.create("cellar:close-manager");
    CacheManager manager = provider.getCacheManager(uri, getClass().getClassLoader());
    Cache<Integer, String> first = manager.createCache("first", configuration());
    Cache<Integer, String> second = manager.createCache("second", configuration());
    Load load = new Load(List.of(first, second));
    load.awaitRunning();

    manager.close();

    load.assertStoppedCleanly();
    assertTrue(first.isClosed());
    assertTrue(second.isClosed());
    assertThrows(IllegalStateException.class, () -> manager.getCache("first"));
    CacheManager fresh = provider.getCacheManager(uri, getClass().getClassLoader());
    assertFalse(fresh.isClosed());
    assertEquals(List.of(), toList(fresh.getCacheNames()), "a fresh manager has no caches");
    fresh.close();
  }

  @RepeatedTest(3)
  void closingTheProviderInUseStopsTheUsersOfEveryManager() throws Exception {
    CachingProvider provider = new CellarCachingProvider();
    ClassLoader loader = getClass().getClassLoader();
    CacheManager one = provider.getCacheManager(URI.create("cellar:close-provider-1"), loader);
    CacheManager two = provider.getCacheManager(URI.create("cellar:close-provider-2"), loader);
    Cache<Integer, String> first = one.createCache("first", configuration());
    Cache<Integer, String> second = two.createCache("second", configuration());
    Load load = new Load(List.of(first, second));
    load.awaitRunning();

    provider.close();

    load.assertStoppedCleanly();
    assertTrue(one.isClosed());
    assertTrue(two.isClosed());
    assertTrue(first.isClosed());
    assertTrue(second.isClosed());
    // The provider hands out fresh managers afterwards.
    CacheManager fresh = provider.getCacheManager(URI.create("cellar:close-provider-1"), loader);
    assertFalse(fresh.isClosed());
    provider.close();
    assertTrue(fresh.isClosed());
  }

  @RepeatedTest(3)
  void closingOneManagerOrOneClassLoadersManagersLeavesTheOthersWorking() throws Exception {
    CachingProvider provider = new CellarCachingProvider();
    ClassLoader loaderA = getClass().getClassLoader();
    ClassLoader loaderB = new URLClassLoader(new URL[0], loaderA);
    URI first = URI.create("cellar:close-selective-1");
    URI second = URI.create("cellar:close-selective-2");
    CacheManager a1 = provider.getCacheManager(first, loaderA);
    CacheManager a2 = provider.getCacheManager(second, loaderA);
    CacheManager b1 = provider.getCacheManager(first, loaderB);
    assertEquals(3, Set.of(a1, a2, b1).size(), "one manager per URI and class loader");
    Load onA1 = new Load(List.of(a1.createCache("c", configuration())), 2);
    Load onA2 = new Load(List.of(a2.createCache("c", configuration())), 2);
    Load onB1 = new Load(List.of(b1.createCache("c", configuration())), 2);
    onA1.awaitRunning();
    onA2.awaitRunning();
    onB1.awaitRunning();

    provider.close(first, loaderA);
    onA1.assertStoppedCleanly();
    assertTrue(a1.isClosed());
    onA2.assertStillRunning();
    onB1.assertStillRunning();

    provider.close(loaderB);
    onB1.assertStoppedCleanly();
    assertTrue(b1.isClosed());
    onA2.assertStillRunning();
    assertFalse(a2.isClosed());
    assertNotSame(a1, provider.getCacheManager(first, loaderA), "a closed manager is replaced");

    provider.close();
    onA2.assertStoppedCleanly();
    assertTrue(a2.isClosed());
  }

  private static List<String> toList(Iterable<String> names) {
    List<String> list = new ArrayList<>();
    names.forEach(list::add);
    return list;
  }
}
