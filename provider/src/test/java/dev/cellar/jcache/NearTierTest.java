package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import dev.cellar.Bucket;
import dev.cellar.CellarConfiguration;
import dev.cellar.management.CellarCacheMXBean;
import dev.cellar.metrics.CacheMetrics;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The near tier: which values it holds, that every kind of change invalidates them, expiry, and
 * that statistics and listeners are exactly those of the same cache without it.
 */
class NearTierTest {
  private static final URI URI_ = URI.create("cellar:near-tier-test");

  private CacheManager manager;

  /** An immutable record a user declares. */
  record Price(String currency, long cents) implements java.io.Serializable {}

  /** A record nobody declared. */
  record Label(String text) implements java.io.Serializable {}

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI_, getClass().getClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private <K, V> CellarConfiguration<K, V> near(Class<K> keys, Class<V> values) {
    return new CellarConfiguration<K, V>()
        .setTypes(keys, values)
        .setNearCacheSize(1_000)
        .setStatisticsEnabled(true);
  }

  private static CellarCache<?, ?> cellar(Cache<?, ?> cache) {
    return cache.unwrap(CellarCache.class);
  }

  @Test
  void aRepeatedReadIsServedFromTheNearTierAndCountsAsAHit() {
    Cache<String, String> cache = manager.createCache("strings", near(String.class, String.class));
    cache.put("a", "apple");

    String first = cache.get("a"); // decoded from the store, then held
    String second = cache.get("a");
    String third = cache.get("a");

    assertEquals("apple", first);
    assertSame(first, second, "the held instance is handed out");
    assertSame(first, third);
    assertEquals(2, cellar(cache).nearHits());
    assertEquals(1, cellar(cache).nearSize());
    var statistics = cellar(cache).statistics();
    assertEquals(3, statistics.getCacheHits());
    assertEquals(0, statistics.getCacheMisses());
    assertEquals(3, statistics.getCacheGets());
  }

  @Test
  void builtInImmutableTypesAreHeld() {
    Cache<Object, Object> cache = manager.createCache("objects", near(Object.class, Object.class));
    List<Object> values =
        List.of(
            "text",
            42,
            42L,
            (short) 4,
            (byte) 2,
            'c',
            true,
            1.5f,
            2.5d,
            UUID.fromString("00000000-0000-0000-0000-000000000042"),
            Instant.ofEpochSecond(1_700_000_000L),
            LocalDate.of(2026, 11, 22),
            Duration.ofMinutes(3),
            java.math.BigDecimal.valueOf(12_345, 2),
            java.time.ZoneId.of("Europe/Paris"),
            java.time.DayOfWeek.MONDAY);
    for (int i = 0; i < values.size(); i++) {
      cache.put(i, values.get(i));
    }
    for (int i = 0; i < values.size(); i++) {
      Object filled = cache.get(i);
      assertEquals(values.get(i), filled);
      assertSame(filled, cache.get(i), "held: " + values.get(i).getClass());
    }
    assertEquals(values.size(), cellar(cache).nearHits());
  }

  @Test
  void mutableValuesAreNeverHeld() {
    Cache<String, byte[]> bytes = manager.createCache("bytes", near(String.class, byte[].class));
    bytes.put("k", new byte[] {1, 2, 3});
    byte[] first = bytes.get("k");
    byte[] second = bytes.get("k");
    assertArrayEquals(new byte[] {1, 2, 3}, second);
    assertNotSame(first, second, "each reader gets its own copy");
    first[0] = 99; // the caller's copy is theirs to change
    assertArrayEquals(new byte[] {1, 2, 3}, bytes.get("k"));
    assertEquals(0, cellar(bytes).nearHits());
    assertEquals(0, cellar(bytes).nearSize());

    Cache<String, Object> objects = manager.createCache("lists", near(String.class, Object.class));
    objects.put("list", new ArrayList<>(List.of("x")));
    objects.put("label", new Label("undeclared record"));
    assertNotSame(objects.get("list"), objects.get("list"));
    assertNotSame(objects.get("label"), objects.get("label"));
    assertEquals(0, cellar(objects).nearHits());
  }

  @Test
  void declaredRecordsAreHeldAndOtherClassesCannotBeDeclared() {
    Cache<String, Price> cache =
        manager.createCache(
            "prices", near(String.class, Price.class).setImmutableTypes(Price.class));
    cache.put("tea", new Price("EUR", 350));
    Price first = cache.get("tea");
    assertEquals(new Price("EUR", 350), first);
    assertSame(first, cache.get("tea"));
    assertEquals(1, cellar(cache).nearHits());

    CellarConfiguration<String, Object> configuration = new CellarConfiguration<>();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> configuration.setImmutableTypes(ArrayList.class));
    assertEquals(
        "java.util.ArrayList cannot be declared immutable: only records and enums can (String,"
            + " boxed primitives, UUID, BigInteger, BigDecimal and java.time values are built in)",
        e.getMessage());
    assertEquals(Set.of(), configuration.getImmutableTypes(), "nothing declared after a refusal");
    assertThrows(IllegalArgumentException.class, () -> configuration.setNearCacheSize(-1));
    assertEquals(0, configuration.getNearCacheSize());
  }

  @Test
  void keysOfMutableTypesAreNeverHeld() {
    // Their equals need not agree with the bytes the store compares, and the caller may change
    // them after the call: the tier would answer differently from the store.
    Cache<List<String>, String> cache =
        manager.createCache(
            "list-keys",
            new CellarConfiguration<List<String>, String>()
                .setTypes(castList(), String.class)
                .setNearCacheSize(1_000));
    List<String> key = new ArrayList<>(List.of("a"));
    cache.put(key, "one");
    assertEquals("one", cache.get(key));
    assertEquals("one", cache.get(key));
    assertEquals(0, cellar(cache).nearHits());
    assertEquals(0, cellar(cache).nearSize());
  }

  @SuppressWarnings("unchecked")
  private static Class<List<String>> castList() {
    return (Class<List<String>>) (Class<?>) List.class;
  }

  @Test
  void everyKindOfWriteIsSeenByTheNextRead() {
    Cache<String, String> cache = manager.createCache("writes", near(String.class, String.class));
    CellarCache<?, ?> cellar = cellar(cache);

    cache.put("k", "v1");
    assertEquals("v1", readTwice(cache, "k"));
    cache.put("k", "v2");
    assertEquals("v2", readTwice(cache, "k"));
    assertEquals("v2", cache.getAndPut("k", "v3"));
    assertEquals("v3", readTwice(cache, "k"));
    assertTrue(cache.replace("k", "v4"));
    assertEquals("v4", readTwice(cache, "k"));
    assertTrue(cache.replace("k", "v4", "v5"));
    assertEquals("v5", readTwice(cache, "k"));
    assertEquals("v5", cache.getAndReplace("k", "v6"));
    assertEquals("v6", readTwice(cache, "k"));
    cache.invoke(
        "k",
        (entry, args) -> {
          entry.setValue("v7");
          return null;
        });
    assertEquals("v7", readTwice(cache, "k"));
    cache.putAll(Map.of("k", "v8", "other", "o"));
    assertEquals("v8", readTwice(cache, "k"));
    assertEquals(Map.of("k", "v8", "other", "o"), cache.getAll(Set.of("k", "other")));
    assertEquals(Map.of("k", "v8", "other", "o"), cache.getAll(Set.of("k", "other")));

    @SuppressWarnings("unchecked")
    Bucket<String, String> bucket = cache.unwrap(Bucket.class);
    long revision = bucket.get("k").revision();
    assertTrue(bucket.update("k", "v9", revision) > revision);
    assertEquals("v9", readTwice(cache, "k"));

    assertTrue(cache.remove("k"));
    assertNull(cache.get("k"));
    cache.put("k", "v10");
    assertEquals("v10", readTwice(cache, "k"));
    assertEquals("v10", cache.getAndRemove("k"));
    assertNull(cache.get("k"));
    cache.put("k", "v11");
    assertEquals("v11", readTwice(cache, "k"));
    assertTrue(cache.remove("k", "v11"));
    assertNull(cache.get("k"));
    cache.put("k", "v12");
    assertEquals("v12", readTwice(cache, "k"));
    cache.removeAll(Set.of("k"));
    assertNull(cache.get("k"));
    cache.put("k", "v13");
    assertEquals("v13", readTwice(cache, "k"));
    cache.removeAll();
    assertNull(cache.get("k"));
    cache.put("k", "v14");
    assertEquals("v14", readTwice(cache, "k"));
    cache.clear();
    assertNull(cache.get("k"));
    assertNull(cache.get("other"));
    cache.put("k", "v15");
    assertEquals("v15", readTwice(cache, "k"));
    bucket.delete("k");
    assertNull(cache.get("k"));
    cache.put("k", "v16");
    assertEquals("v16", readTwice(cache, "k"));
    bucket.purge("k");
    assertNull(cache.get("k"));

    assertTrue(cellar.nearHits() >= 15, "the tier served the second reads: " + cellar.nearHits());
  }

  /** Reads twice, so that the second read is the near tier's; both must agree. */
  private static String readTwice(Cache<String, String> cache, String key) {
    String first = cache.get(key);
    String second = cache.get(key);
    assertEquals(first, second);
    return second;
  }

  @Test
  void anExpiredValueIsNotServedAndExpiresAsWithoutTheTier() {
    TestClock clock = new TestClock(1_000_000L);
    EventRecorder<String> expired = new EventRecorder<>();
    Cache<String, String> cache =
        manager.createCache(
            "expiry",
            near(String.class, String.class)
                .setClock(clock)
                .setExpiryPolicyFactory(
                    CreatedExpiryPolicy.factoryOf(
                        new javax.cache.expiry.Duration(java.util.concurrent.TimeUnit.SECONDS, 10)))
                .addCacheEntryListenerConfiguration(
                    new MutableCacheEntryListenerConfiguration<>(
                        new FactoryBuilder.SingletonFactory<>(expired), null, true, true)));
    cache.put("k", "v");
    assertEquals("v", cache.get("k"));
    clock.advance(Duration.ofMillis(9_999));
    assertEquals("v", cache.get("k"));
    assertEquals(1, cellar(cache).nearHits());

    clock.advance(Duration.ofMillis(1)); // due now
    assertNull(cache.get("k"));
    assertEquals(1, cellar(cache).nearHits(), "the due value was not served");
    var statistics = cellar(cache).statistics();
    assertEquals(2, statistics.getCacheHits());
    assertEquals(1, statistics.getCacheMisses());
    assertEquals(1, statistics.getCacheExpirations());
    assertEquals(List.of("CREATED k null->v", "EXPIRED k v->v"), expired.seen);
  }

  @Test
  void aPolicyThatActsOnReadsTurnsTheTierOff() {
    javax.cache.expiry.Duration minute = javax.cache.expiry.Duration.ONE_MINUTE;
    assertFalse(
        tierOf("accessed", AccessedExpiryPolicy.factoryOf(minute)), "accessed expiry: no tier");
    assertFalse(tierOf("touched", TouchedExpiryPolicy.factoryOf(minute)), "touched: no tier");
    assertTrue(tierOf("created", CreatedExpiryPolicy.factoryOf(minute)));
    assertTrue(tierOf("modified", ModifiedExpiryPolicy.factoryOf(minute)));
    Cache<String, String> off =
        manager.createCache("off", new CellarConfiguration<String, String>());
    assertFalse(cellar(off).hasNearTier(), "0, the default, is off");
  }

  private boolean tierOf(
      String name, javax.cache.configuration.Factory<? extends javax.cache.expiry.ExpiryPolicy> f) {
    Cache<String, String> cache =
        manager.createCache(name, near(String.class, String.class).setExpiryPolicyFactory(f));
    return cellar(cache).hasNearTier();
  }

  @Test
  void anEvictedValueIsNotServed() {
    Cache<Integer, String> cache =
        manager.createCache(
            "evicting",
            near(Integer.class, String.class)
                .setMaxBytes(CellarConfiguration.MIN_MAX_BYTES)
                .setNearCacheSize(100_000));
    String padding = "x".repeat(900);
    int written = 0;
    long evictions = 0;
    // Fill and read back, so that every early key is held, until the budget evicts many of them.
    while (evictions < 2_000) {
      cache.put(written, padding + written);
      assertEquals(padding + written, cache.get(written));
      written++;
      evictions = cellar(cache).statistics().getCacheEvictions();
    }
    int evictedAndAsked = 0;
    for (int key = 0; key < written; key++) {
      boolean stored = cache.containsKey(key);
      String read = cache.get(key);
      if (stored) {
        assertEquals(padding + key, read);
      } else {
        assertNull(read, "key " + key + " was evicted but still served");
        evictedAndAsked++;
      }
    }
    assertTrue(evictedAndAsked >= 2_000, "evicted keys checked: " + evictedAndAsked);
  }

  @Test
  void statisticsAndEventsAreThoseOfTheSameCacheWithoutTheTier() {
    List<String> withTier = runScript("scripted-near", 1_000);
    List<String> withoutTier = runScript("scripted-plain", 0);
    assertEquals(withoutTier, withTier);
  }

  /** One fixed sequence of calls; returns every event seen and the final statistics. */
  private List<String> runScript(String name, long nearSize) {
    TestClock clock = new TestClock(5_000_000L);
    EventRecorder<Long> events = new EventRecorder<>();
    Cache<String, Long> cache =
        manager.createCache(
            name,
            new CellarConfiguration<String, Long>()
                .setTypes(String.class, Long.class)
                .setNearCacheSize(nearSize)
                .setStatisticsEnabled(true)
                .setClock(clock)
                .setExpiryPolicyFactory(
                    ModifiedExpiryPolicy.factoryOf(
                        new javax.cache.expiry.Duration(java.util.concurrent.TimeUnit.SECONDS, 5)))
                .addCacheEntryListenerConfiguration(
                    new MutableCacheEntryListenerConfiguration<>(
                        new FactoryBuilder.SingletonFactory<>(events), null, true, true)));
    for (long round = 0; round < 50; round++) {
      String key = "k" + (round % 7);
      cache.put(key, round);
      cache.get(key);
      cache.get(key);
      cache.get("k" + ((round + 3) % 7));
      cache.getAll(Set.of(key, "absent"));
      if (round % 5 == 0) {
        cache.remove(key);
        cache.get(key);
      }
      if (round % 9 == 0) {
        clock.advance(Duration.ofSeconds(3));
      }
      cache.containsKey(key);
      cache.replace("k" + ((round + 1) % 7), round * 10);
    }
    var s = cellar(cache).statistics();
    List<String> seen = new ArrayList<>(events.seen);
    seen.add(
        "hits="
            + s.getCacheHits()
            + " misses="
            + s.getCacheMisses()
            + " gets="
            + s.getCacheGets()
            + " puts="
            + s.getCachePuts()
            + " removals="
            + s.getCacheRemovals()
            + " expirations="
            + s.getCacheExpirations()
            + " evictions="
            + s.getCacheEvictions());
    if (nearSize > 0) {
      assertTrue(cellar(cache).nearHits() > 20, "near hits " + cellar(cache).nearHits());
    }
    return seen;
  }

  @Test
  void theTierIsVisibleInMetricsAndInCellarsMxBean() throws Exception {
    Cache<String, String> cache = manager.createCache("visible", near(String.class, String.class));
    cache.put("a", "1");
    cache.put("b", "2");
    for (int i = 0; i < 5; i++) {
      cache.get("a");
      cache.get("b");
    }
    @SuppressWarnings("unchecked")
    Gauge<Long> nearHits = (Gauge<Long>) new CacheMetrics(cache).getMetrics().get("near.hits");
    assertEquals(8L, nearHits.getValue());
    CellarCacheMXBean bean =
        JMX.newMXBeanProxy(
            ManagementFactory.getPlatformMBeanServer(),
            new ObjectName(
                "dev.cellar:type=Cache,CacheManager=cellar.near-tier-test,Cache=visible"),
            CellarCacheMXBean.class);
    assertEquals(8L, bean.getNearHits());
    assertEquals(2L, bean.getNearEntries());
    assertEquals(10L, cellar(cache).statistics().getCacheHits(), "near hits are hits too");
  }
}
