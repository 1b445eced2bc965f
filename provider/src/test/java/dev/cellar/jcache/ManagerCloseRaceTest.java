package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cache created while its manager closes is either refused with {@link IllegalStateException} or
 * closed with the manager: never left open, holding memory and beans, by a closed manager.
 */
class ManagerCloseRaceTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void noCacheOutlivesItsManager() throws Exception {
    for (int round = 0; round < 200; round++) {
      CacheManager manager =
          Caching.getCachingProvider(CellarCachingProvider.class.getName())
              .getCacheManager(
                  URI.create("cellar:close-race-" + round), getClass().getClassLoader());
      CountDownLatch go = new CountDownLatch(1);
      Future<List<Cache<String, String>>> creator =
          pool.submit(
              () -> {
                List<Cache<String, String>> made = new ArrayList<>();
                go.await();
                try {
                  for (int i = 0; i < 50; i++) {
                    made.add(
                        manager.createCache(
                            "c" + i,
                            new CellarConfiguration<String, String>()
                                .setTypes(String.class, String.class)
                                .setMaxBytes(4 << 20)
                                .setManagementEnabled(true)));
                  }
                } catch (IllegalStateException closed) {
                  // The manager closed first: the refusal is the documented outcome.
                }
                return made;
              });
      Future<?> closer =
          pool.submit(
              () -> {
                go.await();
                manager.close();
                return null;
              });
      go.countDown();
      closer.get(10, TimeUnit.SECONDS);
      for (Cache<String, String> cache : creator.get(10, TimeUnit.SECONDS)) {
        assertTrue(cache.isClosed(), "round " + round + ": " + cache.getName() + " still open");
      }
    }
  }
}
