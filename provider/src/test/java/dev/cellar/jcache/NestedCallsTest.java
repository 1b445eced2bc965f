package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.Bucket;
import dev.cellar.CellarConfiguration;
import dev.cellar.internal.cache.KeyLocks;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * User code that calls the cache back on other keys (what Spring's {@code @Cacheable(sync = true)}
 * does when one cached method calls another) deadlocks only on a real cycle of keys: keys that
 * merely share a lock stripe never block each other while user code runs. A key itself stays locked
 * against every other write for as long as user code works on it.
 */
class NestedCallsTest {
  private static final long WAIT_SECONDS = 10;

  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          4,
          task -> {
            Thread thread = new Thread(task, "nested-calls");
            // A regression deadlocks these threads; they must not keep the test JVM alive.
            thread.setDaemon(true);
            return thread;
          });
  private CacheManager manager;
  private Cache<String, String> cache;

  @BeforeEach
  void openCache() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:nested-calls"), getClass().getClassLoader());
    cache = manager.createCache("books", config());
  }

  @AfterEach
  void closeAll() {
    pool.shutdownNow();
    manager.close();
  }

  private static CellarConfiguration<String, String> config() {
    return new CellarConfiguration<String, String>().setTypes(String.class, String.class);
  }

  private static int stripe(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    return KeyLocks.stripeOf(new UnsafeBuffer(bytes), bytes.length);
  }

  /** The first key {@code name.apply(i)}, i from 2 on, whose stripe is {@code stripe}. */
  private static String keyInStripe(int stripe, IntFunction<String> name) {
    for (int i = 2; ; i++) {
      String key = name.apply(i);
      if (stripe(key) == stripe) {
        return key;
      }
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T within(Future<T> future) throws Exception {
    try {
      return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("deadlock: no answer within " + WAIT_SECONDS + " s", e);
    }
  }

  @Test
  void nestedInvokesOnFourDistinctKeysWithCrossedStripesBothFinish() throws Exception {
    String a = "book:1";
    String b = "author:1";
    String c = keyInStripe(stripe(b), i -> "book:" + i);
    String d = keyInStripe(stripe(a), i -> "author:" + i);
    assertNotEquals(stripe(a), stripe(b));
    CyclicBarrier bothInside = new CyclicBarrier(2);

    Future<String> first =
        pool.submit(
            () ->
                cache.invoke(
                    a,
                    (outer, args) -> {
                      await(bothInside);
                      outer.setValue("outer-a");
                      return cache.invoke(
                          b,
                          (inner, more) -> {
                            inner.setValue("inner-b");
                            return "a>b";
                          });
                    }));
    Future<String> second =
        pool.submit(
            () ->
                cache.invoke(
                    c,
                    (outer, args) -> {
                      await(bothInside);
                      outer.setValue("outer-c");
                      return cache.invoke(
                          d,
                          (inner, more) -> {
                            inner.setValue("inner-d");
                            return "c>d";
                          });
                    }));

    assertEquals("a>b", within(first));
    assertEquals("c>d", within(second));
    assertEquals("outer-a", cache.get(a));
    assertEquals("inner-b", cache.get(b));
    assertEquals("outer-c", cache.get(c));
    assertEquals("inner-d", cache.get(d));
  }

  @Test
  void readThroughLoadersThatReadOtherKeysWithCrossedStripesBothFinish() throws Exception {
    String a = "book:1";
    String b = "author:1";
    String c = keyInStripe(stripe(b), i -> "book:" + i);
    String d = keyInStripe(stripe(a), i -> "author:" + i);
    CyclicBarrier bothLoading = new CyclicBarrier(2);
    Cache<String, String>[] self = newSelfReferencingLoaderCache(bothLoading);

    Future<String> first = pool.submit(() -> self[0].get(a));
    Future<String> second = pool.submit(() -> self[0].get(c));

    assertEquals("book:1 by loaded author:1", within(first));
    assertEquals(c + " by loaded " + d, within(second));
    assertEquals("loaded " + b, self[0].get(b));
    assertEquals("loaded " + d, self[0].get(d));
  }

  /** A read-through cache whose loader, for a book, reads its author from the same cache. */
  private Cache<String, String>[] newSelfReferencingLoaderCache(CyclicBarrier bothLoading) {
    @SuppressWarnings("unchecked")
    Cache<String, String>[] self = new Cache[1];
    CacheLoader<String, String> loader =
        new CacheLoader<>() {
          @Override
          public String load(String key) {
            if (!key.startsWith("book:")) {
              return "loaded " + key;
            }
            await(bothLoading);
            String author = key.equals("book:1") ? "author:1" : authorOf(key);
            return key + " by " + self[0].get(author);
          }

          @Override
          public java.util.Map<String, String> loadAll(Iterable<? extends String> keys) {
            throw new UnsupportedOperationException();
          }
        };
    self[0] =
        manager.createCache(
            "books-read-through",
            config()
                .setReadThrough(true)
                .setCacheLoaderFactory(new FactoryBuilder.SingletonFactory<>(loader)));
    return self;
  }

  /** For the second book: the author key in book:1's stripe (crossing the first book's lock). */
  private static String authorOf(String book) {
    return keyInStripe(stripe("book:1"), i -> "author:" + i);
  }

  /**
   * Starts an entry processor on {@code key} that sets "from-processor" once {@code letGo} opens,
   * and returns when the processor is running, with the key claimed.
   */
  private Future<Object> processorInside(String key, CountDownLatch letGo)
      throws InterruptedException {
    CountDownLatch inside = new CountDownLatch(1);
    Future<Object> processor =
        pool.submit(
            () ->
                cache.invoke(
                    key,
                    (entry, args) -> {
                      inside.countDown();
                      awaitLatch(letGo);
                      entry.setValue("from-processor");
                      return null;
                    }));
    assertTrue(inside.await(WAIT_SECONDS, TimeUnit.SECONDS));
    return processor;
  }

  @Test
  void aKeyStaysLockedWhileUserCodeRunsButItsStripeIsFree() throws Exception {
    String key = "book:1";
    String neighbour = keyInStripe(stripe(key), i -> "book:" + i);
    CountDownLatch letGo = new CountDownLatch(1);
    Future<Object> processor = processorInside(key, letGo);

    // The neighbour shares the stripe but not the key: its write goes through at once.
    within(pool.submit(() -> cache.put(neighbour, "neighbour")));
    assertEquals("neighbour", cache.get(neighbour));
    // The key itself waits for the processor, so the processor's write is not lost under it.
    Future<Boolean> put = pool.submit(() -> cache.putIfAbsent(key, "from-put"));
    Thread.sleep(200);
    assertFalse(put.isDone());
    letGo.countDown();
    within(processor);
    assertFalse(within(put));
    assertEquals("from-processor", cache.get(key));
  }

  @Test
  void anAtomicCommitWaitsForAClaimedKeyButNotForItsStripe() throws Exception {
    @SuppressWarnings("unchecked")
    Bucket<String, String> bucket = cache.unwrap(Bucket.class);
    String key = "book:1";
    String neighbour = keyInStripe(stripe(key), i -> "book:" + i);
    CountDownLatch letGo = new CountDownLatch(1);
    Future<Object> processor = processorInside(key, letGo);

    assertTrue(within(pool.submit(() -> bucket.atomic().put(neighbour, "n").commit().ok())));
    Future<Boolean> commit =
        pool.submit(() -> bucket.atomic().put("other", "o").put(key, "from-commit").commit().ok());
    Thread.sleep(200);
    assertFalse(commit.isDone());
    letGo.countDown();
    within(processor);
    assertTrue(within(commit));
    assertEquals("from-commit", cache.get(key));
    assertEquals("o", cache.get("other"));
  }

  @Test
  void aThreadReentersItsOwnKeyFromInsideUserCode() {
    String result =
        cache.invoke(
            "book:1",
            (outer, args) -> {
              cache.put("book:1", "put-inside");
              String seen =
                  cache.invoke(
                      "book:1",
                      (inner, more) -> {
                        inner.setValue(inner.getValue() + "+inner");
                        return inner.getValue();
                      });
              return seen;
            });
    assertEquals("put-inside+inner", result);
    assertEquals("put-inside+inner", cache.get("book:1"));
  }

  @Test
  void incrementsByProcessorsInterleavedWithStripeNeighboursLoseNothing() throws Exception {
    @SuppressWarnings("unchecked")
    Bucket<String, String> bucket = cache.unwrap(Bucket.class);
    String counter = "counter";
    List<String> neighbours = new ArrayList<>();
    for (int i = 0; neighbours.size() < 4; i++) {
      if (stripe("n" + i) == stripe(counter)) {
        neighbours.add("n" + i);
      }
    }
    cache.put(counter, "0");
    int perThread = 1_000;
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      workers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  cache.invoke(
                      counter,
                      (entry, args) -> {
                        entry.setValue(Integer.toString(Integer.parseInt(entry.getValue()) + 1));
                        return null;
                      });
                  // The same increment by a compare-and-set loop, which holds only the stripe: it
                  // must never slip in between a processor's read and its write.
                  String seen;
                  do {
                    seen = cache.get(counter);
                  } while (!cache.replace(
                      counter, seen, Integer.toString(Integer.parseInt(seen) + 1)));
                  // And by an atomic commit checked by revision, which takes the stripes of its
                  // keys (a neighbour's among them) and must wait for a processor's claim too.
                  boolean committed;
                  do {
                    var entry = bucket.get(counter);
                    committed =
                        bucket
                            .atomic()
                            .check(counter, entry.revision())
                            .put(counter, Integer.toString(Integer.parseInt(entry.value()) + 1))
                            .put(neighbours.get(thread), Integer.toString(i))
                            .commit()
                            .ok();
                  } while (!committed);
                  cache.put(neighbours.get(thread), Integer.toString(i));
                }
              }));
    }
    for (Future<?> worker : workers) {
      within(worker);
    }
    assertEquals(Integer.toString(3 * 4 * perThread), cache.get(counter));
    for (String neighbour : neighbours) {
      assertEquals(Integer.toString(perThread - 1), cache.get(neighbour));
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never let go");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
