package dev.cellar.internal.config;

import dev.cellar.CellarConfiguration;
import java.util.function.Consumer;

/**
 * The settings a configuration file can give one cache, all of them resolved: a cache's section
 * overlaid on the file's defaults, which are overlaid on {@link #BUILT_IN}. Immutable: each {@link
 * #with} makes a changed copy. The values live in a {@link CellarConfiguration}, whose setters
 * already check them, so a new setting needs no field, accessor or copy method here, only a line in
 * {@link #applyUnstatable} (or {@link #applyTo}, for one a plain JCache configuration states).
 */
final class CacheSettings {
  /** What a cache gets when no file says otherwise: {@link CellarConfiguration}'s own defaults. */
  static final CacheSettings BUILT_IN = new CacheSettings(new CellarConfiguration<>());

  /** Never changed once this holds it. */
  private final CellarConfiguration<Object, Object> values;

  private CacheSettings(CellarConfiguration<Object, Object> values) {
    this.values = values;
  }

  /** These settings with {@code change} applied to a copy of them. */
  CacheSettings with(Consumer<CellarConfiguration<Object, Object>> change) {
    CellarConfiguration<Object, Object> copy = new CellarConfiguration<>(values);
    change.accept(copy);
    return new CacheSettings(copy);
  }

  /**
   * Writes the settings a file can give into {@code configuration} and returns it: max-bytes,
   * history, statistics, management, expiry, near-cache-size, forgotten-marker-bytes, segments and
   * immutable-types.
   */
  <K, V> CellarConfiguration<K, V> applyTo(CellarConfiguration<K, V> configuration) {
    applyUnstatable(configuration);
    configuration
        .setStatisticsEnabled(values.isStatisticsEnabled())
        .setManagementEnabled(values.isManagementEnabled())
        .setExpiryPolicyFactory(values.getExpiryPolicyFactory());
    return configuration;
  }

  /**
   * Writes into {@code configuration} the settings that a plain JCache configuration cannot state
   * (all but statistics, management and expiry) and returns it.
   */
  <K, V> CellarConfiguration<K, V> applyUnstatable(CellarConfiguration<K, V> configuration) {
    return configuration
        .setMaxBytes(values.getMaxBytes())
        .setHistory(values.getHistory())
        .setNearCacheSize(values.getNearCacheSize())
        .setForgottenMarkerBytes(values.getForgottenMarkerBytes())
        .setSegments(values.getSegments())
        .setImmutableTypes(values.getImmutableTypes().toArray(new Class<?>[0]));
  }
}
