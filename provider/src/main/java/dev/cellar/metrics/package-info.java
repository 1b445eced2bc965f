/**
 * Dropwizard Metrics for Cellar caches: {@link dev.cellar.metrics.CacheMetrics} is the {@code
 * MetricSet} of one cache.
 */
@NullMarked
package dev.cellar.metrics;

import org.jspecify.annotations.NullMarked;
