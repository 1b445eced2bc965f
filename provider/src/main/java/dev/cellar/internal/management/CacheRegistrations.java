package dev.cellar.internal.management;

import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SharedMetricRegistries;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.cache.CacheException;
import javax.management.ObjectName;
import org.jspecify.annotations.Nullable;

/**
 * Where one cache shows itself outside: the standard statistics and configuration MXBeans (each
 * while its setting is on), Cellar's own MXBean, and its metrics in the shared Dropwizard registry
 * its manager's file names. {@link #close} takes back exactly what was registered for this cache.
 */
public final class CacheRegistrations {
  private static final Logger LOGGER = Logger.getLogger(CacheRegistrations.class.getName());

  private final URI managerUri;
  private final String cacheName;
  private final @Nullable String registryName;
  private final CacheStatistics statistics;
  private final CacheConfigurationBean configurationBean;
  private final List<String> metricNames = new ArrayList<>();
  private @Nullable CellarCacheBean cellarBean;

  /**
   * Registrations for the cache {@code cacheName} of the manager {@code managerUri}.
   *
   * @param registryName the shared metric registry's name, or null for no metrics
   */
  public CacheRegistrations(
      URI managerUri,
      String cacheName,
      @Nullable String registryName,
      CacheStatistics statistics,
      CacheConfigurationBean configurationBean) {
    this.managerUri = managerUri;
    this.cacheName = cacheName;
    this.registryName = registryName;
    this.statistics = statistics;
    this.configurationBean = configurationBean;
  }

  /** Registers or unregisters the standard statistics bean. */
  public void statistics(boolean registered) {
    standardBean(MBeans.STATISTICS, statistics, registered);
  }

  /** Registers or unregisters the standard configuration bean. */
  public void configuration(boolean registered) {
    standardBean(MBeans.CONFIGURATION, configurationBean, registered);
  }

  private void standardBean(String type, Object bean, boolean registered) {
    ObjectName name = MBeans.name(type, managerUri, cacheName);
    if (registered) {
      MBeans.register(name, bean);
    } else {
      MBeans.unregister(name, bean);
    }
  }

  /**
   * Registers Cellar's own bean (there for every cache, whatever its management setting: the
   * off-heap figures are wanted most when nobody thought to turn anything on) and the metrics as
   * {@code <cache>.<metric>}. A metric name another cache already holds is left to it, with a
   * warning: metrics must not make a cache fail to start.
   */
  public void open(CellarCacheBean bean, Map<String, Metric> metrics) {
    cellarBean = bean;
    MBeans.register(cellarBeanName(), bean);
    if (registryName == null) {
      return;
    }
    MetricRegistry registry = SharedMetricRegistries.getOrCreate(registryName);
    for (Map.Entry<String, Metric> metric : metrics.entrySet()) {
      String metricName = MetricRegistry.name(cacheName, metric.getKey());
      try {
        registry.register(metricName, metric.getValue());
        metricNames.add(metricName);
      } catch (IllegalArgumentException e) {
        LOGGER.log(Level.WARNING, "the metric " + metricName + " is already registered", e);
      }
    }
  }

  /** Unregisters every bean and metric registered for this cache; failures are logged. */
  public void close() {
    try {
      statistics(false);
      configuration(false);
      if (cellarBean != null) {
        MBeans.unregister(cellarBeanName(), cellarBean);
      }
    } catch (CacheException e) {
      LOGGER.log(Level.WARNING, "unregistering the MBeans of cache " + cacheName + " failed", e);
    }
    if (registryName != null && !metricNames.isEmpty()) {
      MetricRegistry registry = SharedMetricRegistries.getOrCreate(registryName);
      for (String metricName : metricNames) {
        registry.remove(metricName);
      }
      metricNames.clear();
    }
  }

  private ObjectName cellarBeanName() {
    return MBeans.name(MBeans.CELLAR_DOMAIN, MBeans.CELLAR_CACHE, managerUri, cacheName);
  }
}
