package dev.cellar.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricSet;
import com.codahale.metrics.Timer;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.internal.bucket.CacheBucket;
import dev.cellar.internal.management.CacheStatistics;
import dev.cellar.jcache.CellarCache;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.cache.Cache;
import org.jspecify.annotations.Nullable;

/**
 * The Dropwizard metrics of one Cellar cache, all read live from the cache, so registering them
 * costs the cache nothing until a reporter reads them:
 *
 * <ul>
 *   <li>{@code hits}, {@code misses}, {@code puts}, {@code removals}, {@code evictions}, {@code
 *       expirations}: gauges over the very counters of the cache's statistics MXBean ({@code
 *       CacheStatisticsMXBean}), so nothing is counted twice. Like the MXBean they count only while
 *       statistics are enabled, and its {@code clear()} resets them;
 *   <li>{@code entries}, {@code offheap.bytes} (in use), {@code offheap.reserved}, {@code
 *       offheap.max-bytes} (the budget), {@code revision}: the off-heap bucket's own figures, 0
 *       once the cache is closed;
 *   <li>{@code near.hits} and {@code near.size}: reads served by the near tier (counted whatever
 *       the statistics setting, and also included in {@code hits} while statistics are enabled),
 *       and about how many values it holds; both 0 for a cache without a near tier;
 *   <li>{@code watchers.open} and {@code watchers.max-lag}: the open bucket watches, and how many
 *       revisions the slowest of them is behind the latest (0 when none is open); {@code
 *       watchers.forgotten-marker-bytes}: the heap held for markers forgotten before every open
 *       watch read them (outside the byte budget);
 *   <li>{@code get} and {@code put}: timers of the JCache {@code get} and {@code put} calls,
 *       present only when the cache was configured with {@link
 *       dev.cellar.CellarConfiguration#setTimers}.
 * </ul>
 */
public final class CacheMetrics implements MetricSet {
  private final Map<String, Metric> metrics;

  /**
   * The metrics of {@code cache}.
   *
   * @throws IllegalArgumentException if {@code cache} is not a Cellar cache (does not unwrap to
   *     {@link CellarCache})
   */
  public CacheMetrics(Cache<?, ?> cache) {
    CellarCache<?, ?> cellar = cellarOf(cache);
    CacheStatistics statistics = cellar.statistics();
    OffHeapBucket engine = cellar.unwrap(OffHeapBucket.class);
    CacheBucket<?, ?> bucket = cellar.unwrap(CacheBucket.class);
    Map<String, Metric> map = new LinkedHashMap<>();
    map.put("hits", gauge(statistics::getCacheHits));
    map.put("misses", gauge(statistics::getCacheMisses));
    map.put("puts", gauge(statistics::getCachePuts));
    map.put("removals", gauge(statistics::getCacheRemovals));
    map.put("evictions", gauge(statistics::getCacheEvictions));
    map.put("expirations", gauge(statistics::getCacheExpirations));
    map.put("entries", live(engine, engine::entryCount));
    map.put("offheap.bytes", live(engine, engine::bytesInUse));
    map.put("offheap.reserved", live(engine, engine::bytesReserved));
    map.put("offheap.max-bytes", gauge(engine::maxBytes));
    map.put("revision", live(engine, engine::revision));
    map.put("near.hits", gauge(cellar::nearHits));
    map.put("near.size", gauge(cellar::nearSize));
    map.put("watchers.open", gauge(bucket::openWatches));
    map.put("watchers.max-lag", live(engine, bucket::maxWatchLag));
    map.put("watchers.forgotten-marker-bytes", live(engine, engine::forgottenMarkerBytes));
    putTimer(map, "get", cellar.getTimer());
    putTimer(map, "put", cellar.putTimer());
    this.metrics = Collections.unmodifiableMap(map);
  }

  /** The metrics by name (without a prefix), in the order the class comment lists them. */
  @Override
  public Map<String, Metric> getMetrics() {
    return metrics;
  }

  private static CellarCache<?, ?> cellarOf(Cache<?, ?> cache) {
    try {
      return cache.unwrap(CellarCache.class);
    } catch (RuntimeException e) {
      // Other providers throw what they like from unwrap; the caller's mistake is the argument.
      throw new IllegalArgumentException("not a Cellar cache: " + cache.getClass().getName(), e);
    }
  }

  private static void putTimer(Map<String, Metric> map, String name, @Nullable Timer timer) {
    if (timer != null) {
      map.put(name, timer);
    }
  }

  private static Gauge<Long> gauge(LongSupplier supplier) {
    return supplier::getAsLong;
  }

  /** A gauge over the engine that reads 0 once the engine is closed, rather than throwing. */
  private static Gauge<Long> live(OffHeapBucket engine, LongSupplier supplier) {
    return () -> {
      if (engine.isClosed()) {
        return 0L;
      }
      try {
        return supplier.getAsLong();
      } catch (IllegalStateException e) {
        return 0L; // closed between the check and the read
      }
    };
  }
}
