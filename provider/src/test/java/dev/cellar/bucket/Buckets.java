package dev.cellar.bucket;

import dev.cellar.Bucket;
import dev.cellar.CellarConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/** Makes String-to-String caches for bucket tests and closes them afterwards. */
final class Buckets implements AutoCloseable {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final CacheManager manager =
      Caching.getCachingProvider("dev.cellar.jcache.CellarCachingProvider").getCacheManager();
  private final List<Cache<?, ?>> caches = new ArrayList<>();

  static CellarConfiguration<String, String> config() {
    return new CellarConfiguration<String, String>().setTypes(String.class, String.class);
  }

  Cache<String, String> cache(CellarConfiguration<String, String> config) {
    Cache<String, String> cache =
        manager.createCache("bucket-test-" + NAMES.incrementAndGet(), config);
    caches.add(cache);
    return cache;
  }

  @SuppressWarnings("unchecked")
  static Bucket<String, String> bucketOf(Cache<String, String> cache) {
    return cache.unwrap(Bucket.class);
  }

  Bucket<String, String> bucket(CellarConfiguration<String, String> config) {
    return bucketOf(cache(config));
  }

  @Override
  public void close() {
    for (Cache<?, ?> cache : caches) {
      cache.close();
    }
  }
}
