package dev.cellar.jcache;

import dev.cellar.CellarConfiguration;
import dev.cellar.internal.config.CacheManagerSettings;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import org.jspecify.annotations.Nullable;

/**
 * A JCache cache manager: the caches of one (URI, class loader) pair. When the URI names a Cellar
 * configuration file, the caches it declares exist from the start with its settings, and its
 * defaults fill in Cellar's own settings (byte budget, history) for caches created in code with a
 * plain JCache configuration.
 */
public final class CellarCacheManager implements CacheManager {
  private static final Logger LOGGER = Logger.getLogger(CellarCacheManager.class.getName());

  private final CellarCachingProvider provider;
  private final URI uri;
  private final WeakReference<ClassLoader> classLoader;
  private final Properties properties;
  private final CacheManagerSettings settings;
  private final ConcurrentHashMap<String, CellarCache<?, ?>> caches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  CellarCacheManager(
      CellarCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties) {
    this.provider = provider;
    this.uri = uri;
    this.classLoader = new WeakReference<>(classLoader);
    this.properties = new Properties();
    this.properties.putAll(properties);
    this.settings = CacheManagerSettings.load(uri, classLoader);
    for (String name : settings.cacheNames()) {
      caches.put(name, new CellarCache<>(this, name, settings.forCache(name)));
    }
  }

  @Override
  public CellarCachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    ClassLoader loader = classLoader.get();
    return loader == null ? provider.getDefaultClassLoader() : loader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(
      String cacheName, C configuration) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(configuration, "configuration");
    CellarConfiguration<K, V> effective = settings.applyDefaults(configuration);
    synchronized (caches) {
      // Again under the lock close() empties the map with: a cache made after it would be lost.
      ensureOpen();
      if (caches.containsKey(cacheName)) {
        throw new CacheException("a cache named " + cacheName + " already exists");
      }
      CellarCache<K, V> cache = new CellarCache<>(this, cacheName, effective);
      caches.put(cacheName, cache);
      return cache;
    }
  }

  @Override
  public <K, V> @Nullable Cache<K, V> getCache(
      String cacheName, Class<K> keyType, Class<V> valueType) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    CellarCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      return null;
    }
    CompleteConfiguration<?, ?> configuration = cache.getConfiguration(CompleteConfiguration.class);
    if (!configuration.getKeyType().equals(keyType)) {
      throw new ClassCastException(
          "cache "
              + cacheName
              + " has keys of "
              + configuration.getKeyType().getName()
              + ", not "
              + keyType.getName());
    }
    if (!configuration.getValueType().equals(valueType)) {
      throw new ClassCastException(
          "cache "
              + cacheName
              + " has values of "
              + configuration.getValueType().getName()
              + ", not "
              + valueType.getName());
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> typed = (Cache<K, V>) cache;
    return typed;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> @Nullable Cache<K, V> getCache(String cacheName) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    return (Cache<K, V>) caches.get(cacheName);
  }

  @Override
  public Iterable<String> getCacheNames() {
    ensureOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  @Override
  public void destroyCache(String cacheName) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    CellarCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.clear();
      cache.close();
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    CellarCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setManagementEnabled(enabled);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    CellarCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setStatisticsEnabled(enabled);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    provider.release(this);
    List<CellarCache<?, ?>> open;
    synchronized (caches) {
      open = new ArrayList<>(caches.values());
      caches.clear();
    }
    for (CellarCache<?, ?> cache : open) {
      try {
        cache.close();
      } catch (RuntimeException e) {
        LOGGER.log(Level.WARNING, "closing cache " + cache.getName() + " failed", e);
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isAssignableFrom(getClass())) {
      return type.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a Cellar cache manager to " + type.getName());
  }

  /**
   * The shared metric registry its caches register in ({@code cellar.metrics.registry}), or null.
   */
  @Nullable String metricsRegistry() {
    return settings.metricsRegistry();
  }

  /** Forgets a cache that closed itself. */
  void release(String cacheName) {
    caches.remove(cacheName);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the cache manager " + uri + " is closed");
    }
  }

  @Override
  public String toString() {
    return "CellarCacheManager{" + uri + '}';
  }
}
