package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cellar.CellarConfiguration;
import dev.cellar.engine.OffHeapBucket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EXPIRED events for entries the engine's background sweep expires, with no read at all. */
class SweepExpiryEventsTest {
  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:sweep-expiry-test"), getClass().getClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /** One expired event as a listener saw it. */
  record Seen(EventType type, String key, String value, String oldValue, boolean oldAvailable) {}

  /** Records every expired event it gets. */
  static final class ExpiredRecorder implements CacheEntryExpiredListener<String, String> {
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        seen.add(
            new Seen(
                event.getEventType(),
                event.getKey(),
                event.getValue(),
                event.getOldValue(),
                event.isOldValueAvailable()));
      }
    }
  }

  @Test
  void theSweepExpiresUnreadEntriesAndListenersHearOfIt() {
    TestClock clock = new TestClock(1_000_000);
    ExpiredRecorder asyncWithOld = new ExpiredRecorder();
    ExpiredRecorder asyncWithoutOld = new ExpiredRecorder();
    ExpiredRecorder syncWithOld = new ExpiredRecorder();
    CellarConfiguration<String, String> configuration =
        new CellarConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setClock(clock)
            .setStatisticsEnabled(true)
            .setExpiryPolicyFactory(
                CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1)))
            .addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(() -> asyncWithOld, null, true, false))
            .addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(
                    () -> asyncWithoutOld, null, false, false))
            .addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(() -> syncWithOld, null, true, true));
    Cache<String, String> cache = manager.createCache("sweep", configuration);
    OffHeapBucket bucket = cache.unwrap(OffHeapBucket.class);

    cache.put("short", "gone soon");
    clock.advance(Duration.ofSeconds(30));
    cache.put("later", "gone later");
    clock.advance(Duration.ofSeconds(31)); // "short" is 61 s old, "later" 31 s.

    Await.until(
        Duration.ofSeconds(5),
        () ->
            asyncWithOld.seen.size() >= 1
                && asyncWithoutOld.seen.size() >= 1
                && syncWithOld.seen.size() >= 1,
        "the sweep's EXPIRED event for \"short\"",
        () -> "events so far: " + asyncWithOld.seen + asyncWithoutOld.seen + syncWithOld.seen);
    List<Seen> withOld =
        List.of(new Seen(EventType.EXPIRED, "short", "gone soon", "gone soon", true));
    assertEquals(withOld, asyncWithOld.seen);
    assertEquals(withOld, syncWithOld.seen);
    assertEquals(
        List.of(new Seen(EventType.EXPIRED, "short", null, null, false)), asyncWithoutOld.seen);
    assertEquals(1, bucket.expirations(), "expired by the sweep, not by a read");
    assertEquals(1, bucket.entryCount(), "\"later\" has 29 s left");

    clock.advance(Duration.ofSeconds(29));
    Await.until(
        Duration.ofSeconds(5),
        () ->
            asyncWithOld.seen.size() >= 2
                && asyncWithoutOld.seen.size() >= 2
                && syncWithOld.seen.size() >= 2,
        "the sweep's EXPIRED event for \"later\"",
        () -> "events so far: " + asyncWithOld.seen + asyncWithoutOld.seen + syncWithOld.seen);
    Seen later = new Seen(EventType.EXPIRED, "later", "gone later", "gone later", true);
    assertEquals(List.of(withOld.get(0), later), asyncWithOld.seen);
    assertEquals(List.of(withOld.get(0), later), syncWithOld.seen);
    assertEquals(
        List.of(
            new Seen(EventType.EXPIRED, "short", null, null, false),
            new Seen(EventType.EXPIRED, "later", null, null, false)),
        asyncWithoutOld.seen);
    assertEquals(2, bucket.expirations());
    assertEquals(0, bucket.entryCount());

    CellarCache<?, ?> cellar = cache.unwrap(CellarCache.class);
    assertEquals(2, cellar.statistics().getCacheExpirations());
    assertEquals(0, cellar.statistics().getCacheGets(), "no read took part");
    assertEquals(0, cellar.statistics().getCacheEvictions());
    // Nothing is left to read, and reading raises no second event (synchronous ones would be in).
    assertNull(cache.get("short"));
    assertNull(cache.get("later"));
    assertEquals(2, syncWithOld.seen.size());
  }
}
