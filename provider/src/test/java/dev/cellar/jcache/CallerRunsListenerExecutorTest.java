package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import org.junit.jupiter.api.Test;

/**
 * An asynchronous listener whose executor runs tasks on the calling thread still never runs under
 * an engine lock: a listener that reads the cache completes instead of deadlocking the writer.
 */
class CallerRunsListenerExecutorTest {
  static final AtomicReference<Cache<String, String>> CACHE = new AtomicReference<>();
  static final AtomicReference<String> SEEN = new AtomicReference<>();
  static final CountDownLatch HEARD = new CountDownLatch(1);

  /** Reads the cache from inside the listener: under a held segment lock this would deadlock. */
  public static final class ReadingListener implements CacheEntryCreatedListener<String, String> {
    @Override
    public void onCreated(
        Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
      for (var event : events) {
        SEEN.set(CACHE.get().get(event.getKey()));
      }
      HEARD.countDown();
    }
  }

  @Test
  void aCallerRunsExecutorDoesNotDeadlockAListenerThatReadsTheCache() throws Exception {
    Thread writer = null;
    CacheManager manager =
        Caching.getCachingProvider()
            .getCacheManager(
                java.net.URI.create("cellar:caller-runs"), getClass().getClassLoader());
    try {
      Cache<String, String> cache =
          manager.createCache(
              "caller-runs",
              new CellarConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setListenerExecutor(Runnable::run)
                  .addCacheEntryListenerConfiguration(
                      new MutableCacheEntryListenerConfiguration<>(
                          FactoryBuilder.factoryOf(ReadingListener.class), null, false, false)));
      CACHE.set(cache);
      writer = new Thread(() -> cache.put("k", "v"), "writer");
      writer.setDaemon(true);
      writer.start();
      writer.join(5_000);
      assertFalse(writer.isAlive(), "the put deadlocked with its own listener");
      assertTrue(HEARD.await(5, TimeUnit.SECONDS), "the listener never ran");
      assertEquals("v", SEEN.get());
    } finally {
      // A deadlocked writer holds a segment lock that close would wait for: leave it to die
      // with the test JVM so the failure is reported instead of hanging the build.
      if (writer == null || !writer.isAlive()) {
        manager.close();
      }
    }
  }
}
