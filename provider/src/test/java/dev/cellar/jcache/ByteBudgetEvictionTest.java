package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import dev.cellar.engine.OffHeapBucket;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A cache written far past its byte budget stays within it, keeps serving and counts evictions. */
class ByteBudgetEvictionTest {
  private static final long MAX_BYTES = 4L << 20;
  private static final long TO_WRITE = 50_000_000L;

  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:byte-budget-test"), getClass().getClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /** The value written for {@code key}: the key in its first 4 bytes, then a key-derived byte. */
  private static byte[] valueFor(int key, int length) {
    byte[] value = new byte[length];
    Arrays.fill(value, (byte) (key * 31 + 7));
    ByteBuffer.wrap(value).putInt(0, key);
    return value;
  }

  @Test
  void writingFiftyMegabytesIntoFourMebibytesEvictsAndStaysWithinTheBudget() throws Exception {
    Cache<Integer, byte[]> cache =
        manager.createCache(
            "budget",
            new CellarConfiguration<Integer, byte[]>()
                .setTypes(Integer.class, byte[].class)
                .setMaxBytes(MAX_BYTES)
                .setStatisticsEnabled(true));
    OffHeapBucket bucket = cache.unwrap(OffHeapBucket.class);
    assertEquals(MAX_BYTES, bucket.maxBytes());

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong samples = new AtomicLong();
    AtomicLong largestSample = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (!stop.get()) {
                largestSample.accumulateAndGet(bucket.bytesInUse(), Math::max);
                samples.incrementAndGet();
                Thread.onSpinWait();
              }
            },
            "bytes-sampler");
    sampler.start();

    Random random = new Random(20240611L);
    int[] lengths = new int[20_000];
    int puts = 0;
    long written = 0;
    try {
      while (written < TO_WRITE) {
        int key = puts;
        int length = 64 + random.nextInt(16_321); // 64 B to 16 KiB, so several size classes
        byte[] value = valueFor(key, length);
        cache.put(key, value);
        lengths[key] = length;
        puts++;
        written += length;
        long inUse = bucket.bytesInUse();
        assertTrue(inUse <= MAX_BYTES, "after put " + key + ": " + inUse + " bytes in use");
        // The cache keeps serving: what was just written reads back whole.
        assertArrayEquals(value, cache.get(key), "value of the key just written, " + key);
      }
    } finally {
      stop.set(true);
      sampler.join(5_000);
    }
    assertFalse(sampler.isAlive());
    assertTrue(samples.get() > 0);
    assertTrue(
        largestSample.get() <= MAX_BYTES,
        "largest of " + samples.get() + " samples: " + largestSample.get() + " bytes");

    long evictions = bucket.evictions();
    assertTrue(evictions > 0, "nothing was evicted");
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName statistics =
        new ObjectName(
            "javax.cache:type=CacheStatistics,CacheManager=cellar.byte-budget-test,Cache=budget");
    assertEquals(evictions, server.getAttribute(statistics, "CacheEvictions"));
    assertEquals((long) puts, server.getAttribute(statistics, "CachePuts"));
    assertEquals((long) puts, server.getAttribute(statistics, "CacheHits"));
    assertEquals(0L, server.getAttribute(statistics, "CacheMisses"));
    // Distinct keys, eternal entries, no removes: each eviction took away exactly one entry.
    assertEquals(puts - evictions, bucket.entryCount());

    long served = 0;
    for (Cache.Entry<Integer, byte[]> entry : cache) {
      int key = entry.getKey();
      assertArrayEquals(valueFor(key, lengths[key]), entry.getValue(), "value of " + key);
      served++;
    }
    assertEquals(bucket.entryCount(), served);
    assertTrue(bucket.bytesInUse() <= MAX_BYTES);
  }

  @Test
  void concurrentWritersAlsoStayWithinTheBudgetAndEveryEvictionIsCounted() throws Exception {
    Cache<Integer, byte[]> cache =
        manager.createCache(
            "budget-concurrent",
            new CellarConfiguration<Integer, byte[]>()
                .setTypes(Integer.class, byte[].class)
                .setMaxBytes(MAX_BYTES)
                .setStatisticsEnabled(true));
    OffHeapBucket bucket = cache.unwrap(OffHeapBucket.class);
    int writers = 4;
    int perWriter = 1_500; // 4 x 1,500 x 8 KiB on average: about 50 MB in all
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicLong largestSample = new AtomicLong();
    AtomicLong misses = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      threads.add(
          new Thread(
              () -> {
                Random random = new Random(writer);
                try {
                  for (int i = 0; i < perWriter; i++) {
                    int key = writer * perWriter + i;
                    byte[] value = valueFor(key, 64 + random.nextInt(16_321));
                    cache.put(key, value);
                    largestSample.accumulateAndGet(bucket.bytesInUse(), Math::max);
                    byte[] read = cache.get(key); // other writers may have evicted it already
                    if (read == null) {
                      misses.incrementAndGet();
                    } else if (!Arrays.equals(value, read)) {
                      throw new AssertionError("key " + key + " read back other bytes");
                    }
                  }
                } catch (Throwable t) {
                  failures.add(t);
                }
              },
              "writer-" + w));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join(10_000);
      assertFalse(thread.isAlive(), thread.getName() + " did not finish");
    }

    assertEquals(List.of(), failures);
    assertTrue(largestSample.get() <= MAX_BYTES, largestSample.get() + " bytes in use at most");
    CellarCache<?, ?> cellar = cache.unwrap(CellarCache.class);
    long evictions = bucket.evictions();
    assertTrue(evictions > 0, "nothing was evicted");
    assertEquals(evictions, cellar.statistics().getCacheEvictions());
    assertEquals((long) writers * perWriter, cellar.statistics().getCachePuts());
    assertEquals(misses.get(), cellar.statistics().getCacheMisses());
    assertEquals((long) writers * perWriter - evictions, bucket.entryCount());
  }
}
