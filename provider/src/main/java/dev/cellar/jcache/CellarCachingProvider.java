package dev.cellar.jcache;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Cellar's JCache provider, found by {@code Caching.getCachingProvider()} through the service
 * loader. It keeps one {@link CellarCacheManager} per (URI, class loader); a closed manager is
 * replaced by a fresh one on the next request, and closing the provider closes them all.
 *
 * <p>The default URI, {@value #DEFAULT_URI_TEXT}, needs no file. A {@code classpath:} or {@code
 * file:} URI names a Cellar configuration file (see the README).
 *
 * <p>Cellar needs the JVM flag {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED};
 * without it, asking for a cache manager fails with a {@link CacheException} that says how to add
 * it.
 */
public final class CellarCachingProvider implements CachingProvider {
  /** The text of the default URI. */
  public static final String DEFAULT_URI_TEXT = "cellar:default";

  /** The URI of the default cache manager; it names no configuration file. */
  public static final URI DEFAULT_URI = URI.create(DEFAULT_URI_TEXT);

  private final Map<ClassLoader, Map<URI, CellarCacheManager>> managers = new WeakHashMap<>();

  /** A provider; the service loader calls this. */
  public CellarCachingProvider() {}

  @Override
  public CacheManager getCacheManager(
      @Nullable URI uri, @Nullable ClassLoader classLoader, @Nullable Properties properties) {
    checkJvmFlags();
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties props = properties == null ? getDefaultProperties() : properties;
    synchronized (managers) {
      Map<URI, CellarCacheManager> byUri = managers.computeIfAbsent(loader, k -> new HashMap<>());
      CellarCacheManager manager = byUri.get(managerUri);
      if (manager == null || manager.isClosed()) {
        manager = new CellarCacheManager(this, managerUri, loader, props);
        byUri.put(managerUri, manager);
      }
      return manager;
    }
  }

  @Override
  public CacheManager getCacheManager(@Nullable URI uri, @Nullable ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    ClassLoader loader = getClass().getClassLoader();
    return loader == null ? ClassLoader.getSystemClassLoader() : loader;
  }

  @Override
  public URI getDefaultURI() {
    return DEFAULT_URI;
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public void close() {
    List<CellarCacheManager> all = new ArrayList<>();
    synchronized (managers) {
      for (Map<URI, CellarCacheManager> byUri : managers.values()) {
        all.addAll(byUri.values());
      }
      managers.clear();
    }
    all.forEach(CellarCacheManager::close);
  }

  @Override
  public void close(@Nullable ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    List<CellarCacheManager> all;
    synchronized (managers) {
      Map<URI, CellarCacheManager> byUri = managers.remove(loader);
      all = byUri == null ? List.of() : new ArrayList<>(byUri.values());
    }
    all.forEach(CellarCacheManager::close);
  }

  @Override
  public void close(@Nullable URI uri, @Nullable ClassLoader classLoader) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    CellarCacheManager manager;
    synchronized (managers) {
      Map<URI, CellarCacheManager> byUri = managers.get(loader);
      manager = byUri == null ? null : byUri.remove(managerUri);
    }
    if (manager != null) {
      manager.close();
    }
  }

  @Override
  public boolean isSupported(OptionalFeature feature) {
    Objects.requireNonNull(feature, "feature");
    return false;
  }

  /** Forgets {@code manager}, which closed itself. */
  void release(CellarCacheManager manager) {
    synchronized (managers) {
      Map<URI, CellarCacheManager> byUri = managers.get(manager.getClassLoader());
      if (byUri != null && byUri.get(manager.getURI()) == manager) {
        byUri.remove(manager.getURI());
      }
    }
  }

  /**
   * Fails with a {@link CacheException} that names the missing JVM flag, rather than letting the
   * first off-heap access fail with an {@link IllegalAccessError}.
   */
  static void checkJvmFlags() {
    Module agrona = UnsafeBuffer.class.getModule();
    if (!Object.class.getModule().isExported("jdk.internal.misc", agrona)) {
      throw new CacheException(
          "Cellar needs the JVM flag --add-exports java.base/jdk.internal.misc=ALL-UNNAMED "
              + "(Agrona, its off-heap library, uses jdk.internal.misc.Unsafe). Add it to the JVM "
              + "arguments, or to the JAVA_TOOL_OPTIONS environment variable, or put "
              + "'Add-Exports: java.base/jdk.internal.misc' in the manifest of an executable jar. "
              + "--add-opens java.base/jdk.internal.misc=ALL-UNNAMED works too.");
    }
  }
}
