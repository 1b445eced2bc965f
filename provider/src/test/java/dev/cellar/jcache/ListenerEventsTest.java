package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listener delivery: per-key order of asynchronous events under concurrent writers, sync rules. */
class ListenerEventsTest {
  private static final EntryProcessor<String, Long, Long> INCREMENT =
      (entry, args) -> {
        long next = entry.exists() ? entry.getValue() + 1 : 1;
        entry.setValue(next);
        return next;
      };

  private CacheManager manager;
  private ExecutorService listenerPool;

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(
                URI.create("cellar:listener-events-test"), getClass().getClassLoader());
    listenerPool = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void closeManager() throws InterruptedException {
    manager.close();
    listenerPool.shutdownNow();
    assertTrue(listenerPool.awaitTermination(5, TimeUnit.SECONDS), "listener pool did not stop");
  }

  /** One event as a listener saw it. */
  record Seen(EventType type, String key, Long value, Long oldValue, boolean oldAvailable) {
    static Seen of(CacheEntryEvent<? extends String, ? extends Long> event) {
      return new Seen(
          event.getEventType(),
          event.getKey(),
          event.getValue(),
          event.getOldValue(),
          event.isOldValueAvailable());
    }
  }

  /** Records created and updated events per key and notices overlapping calls for one key. */
  static final class PerKeyRecorder
      implements CacheEntryCreatedListener<String, Long>, CacheEntryUpdatedListener<String, Long> {
    final Map<String, List<Seen>> byKey = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    final List<String> overlaps = new CopyOnWriteArrayList<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      record(events);
    }

    private void record(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      for (CacheEntryEvent<? extends String, ? extends Long> event : events) {
        String key = event.getKey();
        AtomicInteger busy = inFlight.computeIfAbsent(key, k -> new AtomicInteger());
        if (busy.incrementAndGet() != 1) {
          overlaps.add(key + " at " + event.getValue());
        }
        byKey
            .computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
            .add(Seen.of(event));
        busy.decrementAndGet();
      }
    }

    int size(String key) {
      List<Seen> seen = byKey.get(key);
      return seen == null ? 0 : seen.size();
    }
  }

  @Test
  void asynchronousListenersGetEachKeysEventsInOrderUnderConcurrentWriters() throws Exception {
    int writers = 4;
    int rounds = 400;
    List<String> keys = List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
    PerKeyRecorder withOld = new PerKeyRecorder();
    PerKeyRecorder withoutOld = new PerKeyRecorder();
    CellarConfiguration<String, Long> configuration =
        new CellarConfiguration<String, Long>()
            .setTypes(String.class, Long.class)
            .setListenerExecutor(listenerPool)
            .addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(() -> withOld, null, true, false))
            .addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(() -> withoutOld, null, false, false));
    Cache<String, Long> cache = manager.createCache("ordered", configuration);

    List<Throwable> failures = new CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < keys.size(); i++) {
                      // Each writer walks the keys from a different place, so writers collide.
                      String key = keys.get((i + writer * 3 + round) % keys.size());
                      if ((round + writer) % 2 == 0) {
                        cache.invoke(key, INCREMENT);
                      } else {
                        incrementByCompareAndSet(cache, key);
                      }
                    }
                  }
                } catch (Throwable t) {
                  failures.add(t);
                }
              },
              "writer-" + w);
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(10_000);
      assertFalse(thread.isAlive(), thread.getName() + " did not finish");
    }
    assertEquals(List.of(), failures);

    long last = (long) writers * rounds;
    for (String key : keys) {
      assertEquals(last, cache.get(key), "final value of " + key);
    }
    for (PerKeyRecorder recorder : List.of(withOld, withoutOld)) {
      Await.until(
          Duration.ofSeconds(5),
          () -> keys.stream().allMatch(k -> recorder.size(k) >= last),
          "every asynchronous event",
          () -> "events per key: " + keys.stream().map(recorder::size).toList());
    }

    for (String key : keys) {
      List<Seen> expectedWithOld = new ArrayList<>();
      List<Seen> expectedWithoutOld = new ArrayList<>();
      expectedWithOld.add(new Seen(EventType.CREATED, key, 1L, null, false));
      expectedWithoutOld.add(new Seen(EventType.CREATED, key, 1L, null, false));
      for (long value = 2; value <= last; value++) {
        expectedWithOld.add(new Seen(EventType.UPDATED, key, value, value - 1, true));
        expectedWithoutOld.add(new Seen(EventType.UPDATED, key, value, null, false));
      }
      assertSameEvents(key, expectedWithOld, withOld.byKey.get(key));
      assertSameEvents(key, expectedWithoutOld, withoutOld.byKey.get(key));
    }
    assertEquals(List.of(), withOld.overlaps, "a key's events were delivered concurrently");
    assertEquals(List.of(), withoutOld.overlaps, "a key's events were delivered concurrently");
  }

  @Test
  void anAsynchronousListenerWhoseExecutorIsShutDownStillGetsItsEventsAndMayReadTheCache()
      throws Exception {
    ExecutorService stopped = Executors.newSingleThreadExecutor();
    stopped.shutdown();
    List<String> seen = new CopyOnWriteArrayList<>();
    CacheEntryCreatedListener<String, Long> reader =
        events -> {
          for (CacheEntryEvent<? extends String, ? extends Long> event : events) {
            @SuppressWarnings("unchecked")
            Cache<String, Long> source = (Cache<String, Long>) event.getSource();
            seen.add(event.getKey() + "=" + source.get(event.getKey()));
          }
        };
    // A manager of its own, which the test closes only if nothing is stuck: closing a cache waits
    // for the locks a stuck put holds, and would hang the build instead of failing this test.
    CacheManager own =
        new CellarCachingProvider()
            .getCacheManager(URI.create("cellar:rejecting-executor"), getClass().getClassLoader());
    Cache<String, Long> cache =
        own.createCache(
            "rejecting-executor",
            new CellarConfiguration<String, Long>()
                .setTypes(String.class, Long.class)
                .setListenerExecutor(stopped)
                .addCacheEntryListenerConfiguration(
                    new MutableCacheEntryListenerConfiguration<>(
                        () -> reader, null, false, false)));

    // On another thread, so that a put stuck behind its own lock fails the test, not the build.
    Thread writer = new Thread(() -> cache.put("a", 1L), "writer");
    writer.setDaemon(true);
    writer.start();
    writer.join(5_000);
    assertFalse(writer.isAlive(), "put(a, 1) never returned: " + List.of(writer.getStackTrace()));
    Await.until(Duration.ofSeconds(5), () -> !seen.isEmpty(), "the created event", seen::toString);
    assertEquals(List.of("a=1"), seen);
    own.close();
  }

  /** Compares event lists, reporting the first difference rather than both whole lists. */
  private static void assertSameEvents(String key, List<Seen> expected, List<Seen> actualList) {
    List<Seen> actual = new ArrayList<>(actualList);
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), "event " + i + " of " + key);
    }
    assertEquals(expected.size(), actual.size(), "events of " + key);
  }

  /** Adds one to the key's value with get and replace(key, old, new), retrying on a race. */
  private static void incrementByCompareAndSet(Cache<String, Long> cache, String key) {
    while (true) {
      Long current = cache.get(key);
      if (current == null ? cache.putIfAbsent(key, 1L) : cache.replace(key, current, current + 1)) {
        return;
      }
    }
  }

  /** A synchronous listener that takes its time, then records what it got. */
  static final class SlowRecorder
      implements CacheEntryCreatedListener<String, Long>,
          CacheEntryUpdatedListener<String, Long>,
          CacheEntryRemovedListener<String, Long> {
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      record(events);
    }

    private void record(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      try {
        // Long enough that a listener called in the background would record after the call
        // returned, so the assertions below tell synchronous delivery from asynchronous.
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      events.forEach(event -> seen.add(Seen.of(event)));
    }
  }

  @Test
  void aSynchronousListenerHasTheEventBeforeTheCallReturns() {
    SlowRecorder recorder = new SlowRecorder();
    Cache<String, Long> cache =
        manager.createCache(
            "sync",
            new CellarConfiguration<String, Long>()
                .setTypes(String.class, Long.class)
                .addCacheEntryListenerConfiguration(
                    new MutableCacheEntryListenerConfiguration<>(
                        () -> recorder, null, true, true)));

    cache.put("a", 1L);
    assertEquals(List.of(new Seen(EventType.CREATED, "a", 1L, null, false)), recorder.seen);
    cache.put("a", 2L);
    assertEquals(new Seen(EventType.UPDATED, "a", 2L, 1L, true), recorder.seen.get(1));
    assertTrue(cache.remove("a"));
    assertEquals(new Seen(EventType.REMOVED, "a", 2L, 2L, true), recorder.seen.get(2));
    assertEquals(3, recorder.seen.size());
  }

  /** Thrown by the failing listeners below. */
  static final class ListenerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ListenerFailure(String message) {
      super(message);
    }
  }

  /** An {@link Error} a listener throws; it must reach the caller as it is. */
  static final class ListenerError extends Error {
    private static final long serialVersionUID = 1L;

    ListenerError(String message) {
      super(message);
    }
  }

  /** A synchronous listener that reads the cache, then throws what it was given. */
  static final class Thrower
      implements CacheEntryCreatedListener<String, Long>,
          CacheEntryUpdatedListener<String, Long>,
          CacheEntryRemovedListener<String, Long> {
    final RuntimeException runtime;
    final Error error;
    volatile boolean throwError;
    final List<Long> valuesInCache = new CopyOnWriteArrayList<>();

    Thrower(RuntimeException runtime, Error error) {
      this.runtime = runtime;
      this.error = error;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      fail(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      fail(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      fail(events);
    }

    @SuppressWarnings("unchecked")
    private void fail(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
      for (CacheEntryEvent<? extends String, ? extends Long> event : events) {
        Cache<String, Long> source = (Cache<String, Long>) event.getSource();
        Long value = source.get(event.getKey());
        valuesInCache.add(value == null ? -1L : value);
      }
      if (throwError) {
        throw error;
      }
      throw runtime;
    }
  }

  private Cache<String, Long> cacheWithSyncListener(String name, CacheEntryListener<?, ?> l) {
    @SuppressWarnings("unchecked")
    CacheEntryListener<String, Long> listener = (CacheEntryListener<String, Long>) l;
    return manager.createCache(
        name,
        new CellarConfiguration<String, Long>()
            .setTypes(String.class, Long.class)
            .addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(() -> listener, null, true, true)));
  }

  @Test
  void aSynchronousListenersExceptionReachesTheCallerAfterTheChangeIsApplied() {
    ListenerFailure failure = new ListenerFailure("listener says no");
    Thrower thrower = new Thrower(failure, new ListenerError("unused"));
    Cache<String, Long> cache = cacheWithSyncListener("sync-throws", thrower);

    CacheEntryListenerException created =
        assertThrows(CacheEntryListenerException.class, () -> cache.put("a", 1L));
    assertSame(failure, created.getCause());
    assertEquals(1L, cache.get("a"), "the put was applied");

    CacheEntryListenerException updated =
        assertThrows(CacheEntryListenerException.class, () -> cache.getAndPut("a", 2L));
    assertSame(failure, updated.getCause());
    assertEquals(2L, cache.get("a"), "the update was applied");

    assertThrows(CacheEntryListenerException.class, () -> cache.remove("a"));
    assertFalse(cache.containsKey("a"), "the removal was applied");

    // The listener itself already saw each change in the cache: it ran after the change.
    assertEquals(List.of(1L, 2L, -1L), thrower.valuesInCache);
  }

  @Test
  void aSynchronousListenersExceptionDoesNotCutABatchShort() {
    ListenerFailure failure = new ListenerFailure("listener says no");
    Thrower thrower = new Thrower(failure, new ListenerError("unused"));
    Cache<String, Long> cache = cacheWithSyncListener("sync-throws-batch", thrower);
    Map<String, Long> batch = new java.util.TreeMap<>(Map.of("a", 1L, "b", 2L, "c", 3L));

    CacheEntryListenerException put =
        assertThrows(CacheEntryListenerException.class, () -> cache.putAll(batch));
    assertSame(failure, put.getCause());
    assertEquals(batch, cache.getAll(batch.keySet()), "every entry of the putAll was applied");
    assertEquals(List.of(1L, 2L, 3L), thrower.valuesInCache, "the listener heard of each one");

    CacheEntryListenerException removed =
        assertThrows(CacheEntryListenerException.class, () -> cache.removeAll(batch.keySet()));
    assertSame(failure, removed.getCause());
    assertEquals(Map.of(), cache.getAll(batch.keySet()), "every key of the removeAll was removed");
    assertEquals(List.of(1L, 2L, 3L, -1L, -1L, -1L), thrower.valuesInCache);
  }

  @Test
  void anErrorFromASynchronousListenerReachesTheCallerUnwrapped() {
    ListenerError error = new ListenerError("listener is broken");
    Thrower thrower = new Thrower(new ListenerFailure("unused"), error);
    thrower.throwError = true;
    Cache<String, Long> cache = cacheWithSyncListener("sync-error", thrower);

    ListenerError thrown = assertThrows(ListenerError.class, () -> cache.put("a", 1L));
    assertSame(error, thrown);
    assertEquals(1L, cache.get("a"), "the put was applied");
    assertSame(error, assertThrows(ListenerError.class, () -> cache.invoke("a", INCREMENT)));
    assertEquals(2L, cache.get("a"), "the entry processor's update was applied");
    assertEquals(List.of(1L, 2L), thrower.valuesInCache);

    // After the error the cache delivers normally: nothing stale is left on this thread.
    thrower.throwError = false;
    assertSame(
        thrower.runtime,
        assertThrows(CacheEntryListenerException.class, () -> cache.put("b", 7L)).getCause());
    assertEquals(List.of(1L, 2L, 7L), thrower.valuesInCache);
    assertNull(cache.get("c"));
  }
}
