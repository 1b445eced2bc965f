package dev.cellar.internal.config;

import dev.cellar.CellarConfiguration;
import java.util.Set;

/**
 * The settings a configuration file can give one cache, all of them resolved: a cache's section
 * overlaid on the file's defaults, which are overlaid on {@link #BUILT_IN}.
 *
 * @param maxBytes the off-heap byte budget
 * @param history records kept per key
 * @param statistics whether JCache statistics are on
 * @param management whether the JCache configuration MXBean is registered
 * @param expiry the expiry policy
 * @param nearCacheSize the near tier's size, 0 for none
 * @param forgottenMarkerBytes heap for markers forgotten ahead of lagging watches, -1 for default
 * @param immutableTypes the records and enums declared immutable for the near tier
 */
record CacheSettings(
    long maxBytes,
    int history,
    boolean statistics,
    boolean management,
    ExpirySetting expiry,
    long nearCacheSize,
    long forgottenMarkerBytes,
    Set<Class<?>> immutableTypes) {

  /** What a cache gets when no file says otherwise: {@link CellarConfiguration}'s own defaults. */
  static final CacheSettings BUILT_IN = of(new CellarConfiguration<>());

  private static CacheSettings of(CellarConfiguration<?, ?> configuration) {
    return new CacheSettings(
        configuration.getMaxBytes(),
        configuration.getHistory(),
        configuration.isStatisticsEnabled(),
        configuration.isManagementEnabled(),
        ExpirySetting.ETERNAL,
        configuration.getNearCacheSize(),
        configuration.getForgottenMarkerBytes(),
        configuration.getImmutableTypes());
  }

  CacheSettings withMaxBytes(long value) {
    return new CacheSettings(
        value,
        history,
        statistics,
        management,
        expiry,
        nearCacheSize,
        forgottenMarkerBytes,
        immutableTypes);
  }

  CacheSettings withHistory(int value) {
    return new CacheSettings(
        maxBytes,
        value,
        statistics,
        management,
        expiry,
        nearCacheSize,
        forgottenMarkerBytes,
        immutableTypes);
  }

  CacheSettings withStatistics(boolean value) {
    return new CacheSettings(
        maxBytes,
        history,
        value,
        management,
        expiry,
        nearCacheSize,
        forgottenMarkerBytes,
        immutableTypes);
  }

  CacheSettings withManagement(boolean value) {
    return new CacheSettings(
        maxBytes,
        history,
        statistics,
        value,
        expiry,
        nearCacheSize,
        forgottenMarkerBytes,
        immutableTypes);
  }

  CacheSettings withExpiry(ExpirySetting value) {
    return new CacheSettings(
        maxBytes,
        history,
        statistics,
        management,
        value,
        nearCacheSize,
        forgottenMarkerBytes,
        immutableTypes);
  }

  CacheSettings withNearCacheSize(long value) {
    return new CacheSettings(
        maxBytes,
        history,
        statistics,
        management,
        expiry,
        value,
        forgottenMarkerBytes,
        immutableTypes);
  }

  CacheSettings withForgottenMarkerBytes(long value) {
    return new CacheSettings(
        maxBytes, history, statistics, management, expiry, nearCacheSize, value, immutableTypes);
  }

  CacheSettings withImmutableTypes(Set<Class<?>> value) {
    return new CacheSettings(
        maxBytes,
        history,
        statistics,
        management,
        expiry,
        nearCacheSize,
        forgottenMarkerBytes,
        value);
  }

  /** Writes these settings into {@code configuration} and returns it. */
  <K, V> CellarConfiguration<K, V> applyTo(CellarConfiguration<K, V> configuration) {
    return configuration
        .setMaxBytes(maxBytes)
        .setHistory(history)
        .setStatisticsEnabled(statistics)
        .setManagementEnabled(management)
        .setExpiryPolicyFactory(expiry.factory())
        .setNearCacheSize(nearCacheSize)
        .setForgottenMarkerBytes(forgottenMarkerBytes)
        .setImmutableTypes(immutableTypes.toArray(new Class<?>[0]));
  }
}
