package dev.cellar.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.codahale.metrics.ConsoleReporter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.jmx.JmxReporter;
import dev.cellar.Bucket;
import dev.cellar.CellarConfiguration;
import dev.cellar.KeyFilter;
import dev.cellar.Watch;
import dev.cellar.WatchOption;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.jcache.CellarCache;
import dev.cellar.jcache.CellarCachingProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link CacheMetrics}: exact values after known operations, and what reporters show of them. */
class CacheMetricsTest {
  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:metrics-test"), getClass().getClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private Cache<String, Long> create(String name, boolean timers) {
    return manager.createCache(
        name,
        new CellarConfiguration<String, Long>()
            .setTypes(String.class, Long.class)
            .setStatisticsEnabled(true)
            .setTimers(timers));
  }

  private static long value(CacheMetrics metrics, String name) {
    Metric metric = metrics.getMetrics().get(name);
    if (metric instanceof Gauge<?> gauge) {
      return ((Number) gauge.getValue()).longValue();
    }
    throw new AssertionError(name + " is not a gauge: " + metric);
  }

  /** Two puts, three gets (two hits), one removal. */
  private static void knownSequence(Cache<String, Long> cache) {
    cache.put("a", 1L);
    cache.put("b", 2L);
    cache.get("a");
    cache.get("missing");
    cache.remove("b");
    cache.get("a");
  }

  @Test
  void countsAfterAKnownSequenceMatchTheStatisticsBeanAndTheEngine() {
    Cache<String, Long> cache = create("counts", false);
    CacheMetrics metrics = new CacheMetrics(cache);
    knownSequence(cache);

    assertEquals(2, value(metrics, "hits"));
    assertEquals(1, value(metrics, "misses"));
    assertEquals(2, value(metrics, "puts"));
    assertEquals(1, value(metrics, "removals"));
    assertEquals(0, value(metrics, "evictions"));
    assertEquals(0, value(metrics, "expirations"));
    assertEquals(1, value(metrics, "entries"));
    assertEquals(3, value(metrics, "revision")); // two puts and a delete
    assertEquals(64L << 20, value(metrics, "offheap.max-bytes"));
    OffHeapBucket engine = cache.unwrap(OffHeapBucket.class);
    assertEquals(engine.bytesInUse(), value(metrics, "offheap.bytes"));
    assertEquals(engine.bytesReserved(), value(metrics, "offheap.reserved"));
    assertTrue(value(metrics, "offheap.bytes") > 0);
    assertEquals(0, value(metrics, "near.hits"));
    assertEquals(0, value(metrics, "watchers.open"));
    assertEquals(0, value(metrics, "watchers.max-lag"));
    assertFalse(metrics.getMetrics().containsKey("get"), "no timers unless configured");
    assertFalse(metrics.getMetrics().containsKey("put"));

    // The same counters as the MXBean: off, nothing counts; cleared, the gauges read 0.
    cache.getCacheManager().enableStatistics("counts", false);
    cache.get("a");
    assertEquals(2, value(metrics, "hits"), "no counting while statistics are off");
    cache.unwrap(CellarCache.class).statistics().clear();
    assertEquals(0, value(metrics, "hits"));
    assertEquals(0, value(metrics, "puts"));
  }

  @Test
  void timersCountTheGetAndPutCallsWhenConfigured() {
    Cache<String, Long> cache = create("timed", true);
    CacheMetrics metrics = new CacheMetrics(cache);
    knownSequence(cache);

    Map<String, Metric> all = metrics.getMetrics();
    assertEquals(3, ((Timer) all.get("get")).getCount());
    assertEquals(2, ((Timer) all.get("put")).getCount());
  }

  @Test
  void engineGaugesReadZeroOnceTheCacheIsClosed() {
    Cache<String, Long> cache = create("closing", false);
    CacheMetrics metrics = new CacheMetrics(cache);
    cache.put("a", 1L);
    cache.close();
    assertEquals(0, value(metrics, "entries"));
    assertEquals(0, value(metrics, "offheap.bytes"));
    assertEquals(0, value(metrics, "revision"));
    assertEquals(1, value(metrics, "puts"));
  }

  @Test
  void aCacheOfAnotherKindIsRefused() {
    @SuppressWarnings("unchecked")
    Cache<String, Long> other =
        (Cache<String, Long>)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Cache.class},
                (proxy, method, args) -> {
                  throw new IllegalArgumentException("no");
                });
    assertThrows(IllegalArgumentException.class, () -> new CacheMetrics(other));
  }

  @Test
  void maxLagIsHowFarTheSlowestWatchIsBehind() throws InterruptedException {
    Cache<String, Long> cache = create("watched", false);
    @SuppressWarnings("unchecked")
    Bucket<String, Long> bucket = cache.unwrap(Bucket.class);
    CacheMetrics metrics = new CacheMetrics(cache);
    cache.put("before", 0L);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Watch watch =
        bucket.watch(
            KeyFilter.all(),
            entry -> {
              entered.countDown();
              await(release);
            },
            WatchOption.UPDATES_ONLY);
    assertEquals(1, value(metrics, "watchers.open"));
    until(() -> value(metrics, "watchers.max-lag") == 0, "the idle watch to catch up");

    cache.put("a", 1L); // revision 2: the watcher blocks on it
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    cache.put("b", 2L);
    cache.put("c", 3L); // revision 4
    assertEquals(3, value(metrics, "watchers.max-lag"));
    assertEquals(0, value(metrics, "watchers.forgotten-marker-bytes"));
    bucket.delete("b"); // revision 5
    assertEquals(1, bucket.purgeDeletes());
    // Kept for the blocked watch: 96 bytes, the marker's 40-byte header and the 1-byte key.
    assertEquals(96 + 40 + 1, value(metrics, "watchers.forgotten-marker-bytes"));

    release.countDown();
    until(() -> value(metrics, "watchers.max-lag") == 0, "the watch to catch up");
    until(
        () -> value(metrics, "watchers.forgotten-marker-bytes") == 0,
        "the marker to be let go once read");
    watch.close();
    assertEquals(0, value(metrics, "watchers.open"));
    assertEquals(0, value(metrics, "watchers.max-lag"));
  }

  @Test
  void consoleReporterPrintsThem() {
    Cache<String, Long> cache = create("console", true);
    knownSequence(cache);
    MetricRegistry registry = new MetricRegistry();
    registry.register("console", new CacheMetrics(cache));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleReporter reporter =
        ConsoleReporter.forRegistry(registry)
            .outputTo(new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .build();
    reporter.report();
    String printed = bytes.toString(StandardCharsets.UTF_8);
    for (String line :
        List.of(
            "console.hits\n             value = 2",
            "console.misses\n             value = 1",
            "console.puts\n             value = 2",
            "console.removals\n             value = 1",
            "console.entries\n             value = 1",
            "console.revision\n             value = 3",
            "console.near.hits\n             value = 0",
            "console.watchers.max-lag\n             value = 0",
            "console.offheap.max-bytes\n             value = 67108864",
            "console.get\n             count = 3",
            "console.put\n             count = 2")) {
      assertTrue(printed.contains(line), () -> "missing " + line + " in\n" + printed);
    }
  }

  @Test
  void jmxReporterExposesThem() throws Exception {
    Cache<String, Long> cache = create("jmx", false);
    knownSequence(cache);
    MetricRegistry registry = new MetricRegistry();
    registry.register("cellar-metrics-test.jmx", new CacheMetrics(cache));
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try (JmxReporter reporter = JmxReporter.forRegistry(registry).inDomain("cellar.test").build()) {
      reporter.start();
      assertEquals(
          2L,
          server.getAttribute(
              new ObjectName("cellar.test:type=gauges,name=cellar-metrics-test.jmx.hits"),
              "Value"));
      assertEquals(
          1L,
          server.getAttribute(
              new ObjectName("cellar.test:type=gauges,name=cellar-metrics-test.jmx.removals"),
              "Value"));
      assertEquals(
          64L << 20,
          server.getAttribute(
              new ObjectName(
                  "cellar.test:type=gauges,name=cellar-metrics-test.jmx.offheap.max-bytes"),
              "Value"));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("gave up waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for " + what);
      }
    }
  }
}
