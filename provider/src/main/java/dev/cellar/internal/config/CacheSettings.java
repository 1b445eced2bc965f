package dev.cellar.internal.config;

import dev.cellar.CellarConfiguration;

/**
 * The settings a configuration file can give one cache, all of them resolved: a cache's section
 * overlaid on the file's defaults, which are overlaid on {@link #BUILT_IN}.
 *
 * @param maxBytes the off-heap byte budget
 * @param history records kept per key
 * @param statistics whether JCache statistics are on
 * @param management whether the JCache configuration MXBean is registered
 * @param expiry the expiry policy
 */
record CacheSettings(
    long maxBytes, int history, boolean statistics, boolean management, ExpirySetting expiry) {

  /** What a cache gets when no file says otherwise: {@link CellarConfiguration}'s own defaults. */
  static final CacheSettings BUILT_IN = of(new CellarConfiguration<>());

  private static CacheSettings of(CellarConfiguration<?, ?> configuration) {
    return new CacheSettings(
        configuration.getMaxBytes(),
        configuration.getHistory(),
        configuration.isStatisticsEnabled(),
        configuration.isManagementEnabled(),
        ExpirySetting.ETERNAL);
  }

  CacheSettings withMaxBytes(long value) {
    return new CacheSettings(value, history, statistics, management, expiry);
  }

  CacheSettings withHistory(int value) {
    return new CacheSettings(maxBytes, value, statistics, management, expiry);
  }

  CacheSettings withStatistics(boolean value) {
    return new CacheSettings(maxBytes, history, value, management, expiry);
  }

  CacheSettings withManagement(boolean value) {
    return new CacheSettings(maxBytes, history, statistics, value, expiry);
  }

  CacheSettings withExpiry(ExpirySetting value) {
    return new CacheSettings(maxBytes, history, statistics, management, value);
  }

  /** Writes these settings into {@code configuration} and returns it. */
  <K, V> CellarConfiguration<K, V> applyTo(CellarConfiguration<K, V> configuration) {
    return configuration
        .setMaxBytes(maxBytes)
        .setHistory(history)
        .setStatisticsEnabled(statistics)
        .setManagementEnabled(management)
        .setExpiryPolicyFactory(expiry.factory());
  }
}
