package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.Bucket;
import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The near tier's promise under concurrency: a read never returns a value older than the latest
 * write (or removal) that finished before the read began. Writers publish what they finished;
 * readers take those figures before each read and fail on anything older. Bounded by operation
 * counts, not by time.
 */
class NearTierCoherenceStressTest {
  private static final int KEYS = 4;
  private static final int WRITES_PER_KEY = 60_000;
  private static final int READERS = 2;

  private CacheManager manager;
  private ExecutorService pool;

  @BeforeEach
  void open() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:near-coherence-test"), getClass().getClassLoader());
    pool = Executors.newFixedThreadPool(KEYS + READERS);
  }

  @AfterEach
  void close() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "workers did not stop");
    manager.close();
  }

  private Cache<String, Long> cache(String name) {
    return manager.createCache(
        name,
        new CellarConfiguration<String, Long>()
            .setTypes(String.class, Long.class)
            .setNearCacheSize(1_000)
            .setMaxBytes(64L << 20));
  }

  @Test
  void valuesNeverGoBackwards() throws Exception {
    Cache<String, Long> cache = cache("increasing");
    @SuppressWarnings("unchecked")
    Bucket<String, Long> bucket = cache.unwrap(Bucket.class);
    AtomicLongArray finished = new AtomicLongArray(KEYS);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<String> violation = new AtomicReference<>();
    List<Future<?>> writers = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      int key = k;
      writers.add(
          pool.submit(
              () -> {
                for (long value = 1; value <= WRITES_PER_KEY && violation.get() == null; value++) {
                  // Every way a value gets written: JCache put and replace, an entry
                  // processor, and the bucket view.
                  long next = value;
                  switch ((int) (value % 4)) {
                    case 0 -> cache.put("k" + key, next);
                    case 1 -> {
                      // The first value must create the key; replace needs it to exist.
                      if (next == 1
                          ? cache.getAndPut("k" + key, next) != null
                          : !cache.replace("k" + key, next)) {
                        violation.compareAndSet(null, "k" + key + " lost before " + next);
                      }
                    }
                    case 2 ->
                        cache.invoke(
                            "k" + key,
                            (entry, args) -> {
                              entry.setValue(next);
                              return null;
                            });
                    default -> bucket.put("k" + key, next);
                  }
                  finished.set(key, value);
                }
              }));
    }
    List<Future<Long>> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      readers.add(
          pool.submit(
              () -> {
                long[] seen = new long[KEYS];
                long reads = 0;
                while (writing.get() && violation.get() == null) {
                  int key = ThreadLocalRandom.current().nextInt(KEYS);
                  long floor = Math.max(finished.get(key), seen[key]);
                  Long value = cache.get("k" + key);
                  long read = value == null ? 0 : value;
                  if (read < floor) {
                    violation.compareAndSet(
                        null, "k" + key + " read " + read + " after " + floor + " finished");
                  }
                  seen[key] = Math.max(seen[key], read);
                  reads++;
                }
                return reads;
              }));
    }
    for (Future<?> writer : writers) {
      writer.get(2, TimeUnit.MINUTES);
    }
    writing.set(false);
    long reads = 0;
    for (Future<Long> reader : readers) {
      reads += reader.get(1, TimeUnit.MINUTES);
    }
    assertEquals(null, violation.get());
    for (int key = 0; key < KEYS; key++) {
      assertEquals(WRITES_PER_KEY, cache.get("k" + key));
    }
    long nearHits = cache.unwrap(CellarCache.class).nearHits();
    assertTrue(nearHits > 0, "the near tier served none of " + reads + " reads");
  }

  @Test
  void aRemovedValueIsNeverReadAgain() throws Exception {
    Cache<String, Long> cache = cache("removing");
    AtomicLongArray put = new AtomicLongArray(KEYS);
    AtomicLongArray removed = new AtomicLongArray(KEYS);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<String> violation = new AtomicReference<>();
    List<Future<?>> writers = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      int key = k;
      writers.add(
          pool.submit(
              () -> {
                for (long value = 1; value <= WRITES_PER_KEY / 2; value++) {
                  cache.put("k" + key, value);
                  put.set(key, value);
                  // Let readers fill the tier with this value before it goes.
                  for (int i = 0; i < 4; i++) {
                    cache.get("k" + key);
                  }
                  if (value % 2 == 0) {
                    cache.remove("k" + key);
                  } else {
                    cache.getAndRemove("k" + key);
                  }
                  removed.set(key, value);
                }
              }));
    }
    List<Future<?>> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      readers.add(
          pool.submit(
              () -> {
                while (writing.get() && violation.get() == null) {
                  int key = ThreadLocalRandom.current().nextInt(KEYS);
                  long gone = removed.get(key); // read first: a removal finished before the get
                  long floor = put.get(key);
                  Long value = cache.get("k" + key);
                  if (value != null && (value <= gone || value < floor)) {
                    violation.compareAndSet(
                        null,
                        "k"
                            + key
                            + " read "
                            + value
                            + " after removal of "
                            + gone
                            + ", put "
                            + floor);
                  }
                }
              }));
    }
    for (Future<?> writer : writers) {
      writer.get(2, TimeUnit.MINUTES);
    }
    writing.set(false);
    for (Future<?> reader : readers) {
      reader.get(1, TimeUnit.MINUTES);
    }
    assertEquals(null, violation.get());
    for (int key = 0; key < KEYS; key++) {
      assertEquals(null, cache.get("k" + key));
    }
    assertTrue(cache.unwrap(CellarCache.class).nearHits() > 0, "the near tier served nothing");
  }
}
