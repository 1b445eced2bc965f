package dev.cellar.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.cellar.jcache.CellarCache;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.Test;

/**
 * Proves which TCK run this is: in the run with {@code -Dcellar.config} naming {@code
 * near-tier-tck.conf}, a cache made as the TCK makes them (default manager, a MutableConfiguration)
 * has a near tier that serves reads; in the plain run it has none. Without this, a mistake in the
 * wiring would make the second run a silent copy of the first.
 */
public class NearTierSwitchTest {
  @Test
  public void theNearTierIsOnExactlyInTheNearTierRun() {
    boolean nearRun = System.getProperty("cellar.config") != null;
    CacheManager manager = Caching.getCachingProvider().getCacheManager();
    MutableConfiguration<Long, String> configuration =
        new MutableConfiguration<Long, String>()
            .setTypes(Long.class, String.class)
            .setStatisticsEnabled(true);
    Cache<Long, String> cache = manager.createCache("near-tier-switch", configuration);
    try {
      CellarCache<?, ?> cellar = cache.unwrap(CellarCache.class);
      assertEquals(nearRun, cellar.hasNearTier());
      cache.put(1L, "one");
      for (int i = 0; i < 3; i++) {
        assertNotNull(cache.get(1L));
      }
      assertEquals(nearRun ? 2 : 0, cellar.nearHits());
      assertTrue(cellar.statistics().getCacheHits() == 3);
    } finally {
      manager.destroyCache("near-tier-switch");
    }
  }
}
