package dev.cellar.internal.config;

import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.util.Set;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;

/** Placeholder until the configuration file support lands: no file, every default. */
public final class CacheManagerSettings {
  private CacheManagerSettings() {}

  /** The settings named by {@code uri}. */
  public static CacheManagerSettings load(URI uri, ClassLoader classLoader) {
    return new CacheManagerSettings();
  }

  /** Settings for a cache the file does not name. */
  public CellarConfiguration<Object, Object> defaults() {
    return new CellarConfiguration<>();
  }

  /** Caches the file declares. */
  public Set<String> cacheNames() {
    return Set.of();
  }

  /** Settings for a cache the file declares. */
  public CellarConfiguration<Object, Object> forCache(String name) {
    return defaults();
  }

  /** A copy of {@code given} with Cellar-only settings from the file's defaults when absent. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <K, V> CellarConfiguration<K, V> applyDefaults(Configuration<K, V> given) {
    if (given instanceof CellarConfiguration<K, V> cellar) {
      return new CellarConfiguration<>(cellar);
    }
    if (given instanceof CompleteConfiguration<K, V> complete) {
      return new CellarConfiguration<>(complete);
    }
    CellarConfiguration<K, V> copy = new CellarConfiguration<>();
    copy.setTypes(given.getKeyType(), given.getValueType());
    copy.setStoreByValue(given.isStoreByValue());
    return copy;
  }
}
