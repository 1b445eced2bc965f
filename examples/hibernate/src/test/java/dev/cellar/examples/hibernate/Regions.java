package dev.cellar.examples.hibernate;

import dev.cellar.Bucket;
import dev.cellar.BucketStatus;
import java.util.Objects;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.hibernate.SessionFactory;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cache.spi.RegionFactory;

/** The Cellar side of Hibernate's regions, for the tests. */
final class Regions {
  private Regions() {}

  /** The cache manager Hibernate's region factory got from Cellar. */
  static CacheManager manager(SessionFactory factory) {
    RegionFactory regionFactory = factory.getCache().unwrap(RegionFactory.class);
    return ((JCacheRegionFactory) regionFactory).getCacheManager();
  }

  /** The Cellar cache behind {@code region}. */
  static Cache<Object, Object> cache(CacheManager manager, String region) {
    return Objects.requireNonNull(manager.getCache(region), region);
  }

  /** The off-heap figures of the Cellar cache behind {@code region}. */
  @SuppressWarnings("unchecked")
  static BucketStatus status(CacheManager manager, String region) {
    return cache(manager, region).unwrap(Bucket.class).status();
  }

  /** Live entries in the Cellar cache behind {@code region}. */
  static long entries(SessionFactory factory, String region) {
    return status(manager(factory), region).entries();
  }
}
