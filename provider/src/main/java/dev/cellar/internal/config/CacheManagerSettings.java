package dev.cellar.internal.config;

import com.typesafe.config.Config;
import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one cache manager, read from the configuration file its URI names: defaults for
 * every cache and the sections of the caches the file declares. Immutable; every configuration it
 * hands out is a fresh copy that the caller may change.
 *
 * <p>See {@link ConfigLocation} for the URIs it understands and {@code docs/configuration.md} for
 * the file format.
 */
public final class CacheManagerSettings {
  private static final CacheManagerSettings NO_FILE =
      new CacheManagerSettings(CacheSettings.BUILT_IN, Map.of(), null);

  private final CacheSettings defaults;
  private final Map<String, CacheSettings> caches;
  private final @Nullable String metricsRegistry;

  CacheManagerSettings(
      CacheSettings defaults, Map<String, CacheSettings> caches, @Nullable String metricsRegistry) {
    this.defaults = defaults;
    this.metricsRegistry = metricsRegistry;
    this.caches = Collections.unmodifiableMap(new LinkedHashMap<>(caches));
  }

  /**
   * Reads the settings for a cache manager with this URI: from the file it names, or the built-in
   * defaults for a {@code cellar:} URI such as {@link ConfigLocation#DEFAULT_URI}.
   *
   * @param classLoader the manager's class loader, which finds {@code classpath:} files
   * @throws CacheException if the file does not exist, cannot be parsed, or has an unknown key or a
   *     bad value; the message names the file, the line and the key
   */
  public static CacheManagerSettings load(URI uri, ClassLoader classLoader) {
    URL url = ConfigLocation.resolve(uri, classLoader);
    if (url == null) {
      return NO_FILE;
    }
    Config file = ConfigFileParser.parse(uri, url, classLoader);
    return new SettingsReader(uri, url, classLoader).read(file);
  }

  /**
   * The name of the Dropwizard {@code SharedMetricRegistries} registry in which every cache of the
   * manager registers its metrics ({@code cellar.metrics.registry}), or {@code null} for none.
   */
  public @Nullable String metricsRegistry() {
    return metricsRegistry;
  }

  /** The file's defaults over the built-in ones, for a cache the file does not declare. */
  public CellarConfiguration<Object, Object> defaults() {
    return defaults.applyTo(new CellarConfiguration<>());
  }

  /** The caches the file declares, in the order it declares them (several on one line: by name). */
  public Set<String> cacheNames() {
    return caches.keySet();
  }

  /**
   * The configuration of the cache {@code name}: its section in the file over the file's defaults,
   * or just {@link #defaults()} when the file does not declare it.
   */
  public CellarConfiguration<Object, Object> forCache(String name) {
    return caches.getOrDefault(name, defaults).applyTo(new CellarConfiguration<>());
  }

  /**
   * A {@link CellarConfiguration} copy of a configuration given in code, completed from the file's
   * defaults where {@code given} cannot speak:
   *
   * <ul>
   *   <li>a {@link CellarConfiguration} is copied as it is;
   *   <li>another {@link CompleteConfiguration} (such as a plain {@code MutableConfiguration})
   *       keeps everything it states, and takes max-bytes, history, near-cache-size,
   *       forgotten-marker-bytes, segments and immutable-types, which it cannot state, from the
   *       defaults. Its statistics, management and expiry win over the defaults, because a {@code
   *       MutableConfiguration} always states them;
   *   <li>a bare {@link Configuration}, or a {@code MutableConfiguration} left exactly as {@code
   *       new MutableConfiguration<>()} made it (as Hibernate and Spring create caches on demand),
   *       states only its types and store-by-value, so everything else comes from the defaults.
   * </ul>
   */
  public <K, V> CellarConfiguration<K, V> applyDefaults(Configuration<K, V> given) {
    if (given instanceof CellarConfiguration<K, V> cellar) {
      return new CellarConfiguration<>(cellar);
    }
    if (given instanceof CompleteConfiguration<K, V> complete && !isUntouched(complete)) {
      return defaults.applyUnstatable(new CellarConfiguration<>(complete));
    }
    return defaults
        .applyTo(new CellarConfiguration<K, V>())
        .setTypes(given.getKeyType(), given.getValueType())
        .setStoreByValue(given.isStoreByValue());
  }

  /** True when {@code given} is a fresh {@code MutableConfiguration} apart from its types. */
  private static <K, V> boolean isUntouched(CompleteConfiguration<K, V> given) {
    MutableConfiguration<K, V> fresh =
        new MutableConfiguration<K, V>().setTypes(given.getKeyType(), given.getValueType());
    // MutableConfiguration.equals ignores the management flag, so it is compared here.
    return !given.isManagementEnabled() && fresh.equals(new MutableConfiguration<>(given));
  }
}
