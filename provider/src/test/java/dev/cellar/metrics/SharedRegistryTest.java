package dev.cellar.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SharedMetricRegistries;
import dev.cellar.CellarConfiguration;
import dev.cellar.jcache.CellarCachingProvider;
import java.net.URI;
import java.util.Set;
import java.util.TreeSet;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cellar.metrics.registry}: every cache's metrics in a shared registry, for its lifetime.
 */
class SharedRegistryTest {
  private static final String REGISTRY = "cellar-test-app";
  private static final Set<String> ONE_CACHE =
      Set.of(
          "hits",
          "misses",
          "puts",
          "removals",
          "evictions",
          "expirations",
          "entries",
          "offheap.bytes",
          "offheap.reserved",
          "offheap.max-bytes",
          "revision",
          "near.hits",
          "near.size",
          "watchers.open",
          "watchers.max-lag",
          "watchers.forgotten-marker-bytes");

  private final CachingProvider provider =
      Caching.getCachingProvider(CellarCachingProvider.class.getName());

  @AfterEach
  void forgetRegistry() {
    SharedMetricRegistries.remove(REGISTRY);
  }

  private CacheManager open(String file) {
    return provider.getCacheManager(
        URI.create("classpath:cellar/" + file), getClass().getClassLoader());
  }

  private static Set<String> names(String prefix) {
    Set<String> names = new TreeSet<>();
    for (String name : SharedMetricRegistries.getOrCreate(REGISTRY).getNames()) {
      if (name.startsWith(prefix)) {
        names.add(name.substring(prefix.length()));
      }
    }
    return names;
  }

  private static long gauge(String name) {
    MetricRegistry registry = SharedMetricRegistries.getOrCreate(REGISTRY);
    return ((Number) ((Gauge<?>) registry.getGauges().get(name)).getValue()).longValue();
  }

  @Test
  void declaredAndCreatedCachesRegisterAndCloseRemovesThem() {
    CacheManager manager = open("metrics-registry.conf");
    try {
      assertEquals(ONE_CACHE, names("declared."));
      Cache<String, Long> created =
          manager.createCache(
              "created",
              new CellarConfiguration<String, Long>()
                  .setTypes(String.class, Long.class)
                  .setStatisticsEnabled(true)
                  .setTimers(true));
      Set<String> withTimers = new TreeSet<>(ONE_CACHE);
      withTimers.add("get");
      withTimers.add("put");
      assertEquals(withTimers, names("created."));

      created.put("a", 1L);
      created.get("a");
      created.get("b");
      assertEquals(1, gauge("created.puts"));
      assertEquals(1, gauge("created.hits"));
      assertEquals(1, gauge("created.misses"));
      assertEquals(1, gauge("created.entries"));
      assertEquals(2, SharedMetricRegistries.getOrCreate(REGISTRY).timer("created.get").getCount());

      created.close();
      assertEquals(Set.of(), names("created."));
      manager.destroyCache("declared");
      assertEquals(Set.of(), names("declared."));
      manager.createCache(
          "again", new CellarConfiguration<String, Long>().setTypes(String.class, Long.class));
      assertEquals(ONE_CACHE, names("again."));
    } finally {
      manager.close();
    }
    assertEquals(Set.of(), names(""), "the manager's close removes every cache's metrics");
  }

  @Test
  void aNameAlreadyTakenIsLeftToItsOwner() {
    MetricRegistry registry = SharedMetricRegistries.getOrCreate(REGISTRY);
    Gauge<Long> someoneElse = () -> 42L;
    registry.register("declared.hits", someoneElse);
    CacheManager manager = open("metrics-registry.conf");
    manager.close();
    assertEquals(Set.of("declared.hits"), names(""));
    assertEquals(42L, gauge("declared.hits"));
  }

  @Test
  void aManagerWithoutTheSettingRegistersNothing() {
    CacheManager manager =
        provider.getCacheManager(URI.create("cellar:no-metrics"), getClass().getClassLoader());
    try {
      manager.createCache(
          "plain", new CellarConfiguration<String, Long>().setTypes(String.class, Long.class));
      assertEquals(Set.of(), names(""));
    } finally {
      manager.close();
    }
  }

  @Test
  void aBlankRegistryNameIsRefused() {
    CacheException e = assertThrows(CacheException.class, () -> open("metrics-bad.conf"));
    assertTrue(e.getMessage().contains("cellar.metrics.registry"), e.getMessage());
    assertTrue(e.getMessage().contains("non-blank name"), e.getMessage());
  }
}
