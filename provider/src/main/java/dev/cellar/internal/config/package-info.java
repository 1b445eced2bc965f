/**
 * Declarative configuration: reads the file that the URI given to {@code getCacheManager} names
 * (HOCON or JSON, through Typesafe Config) into defaults and per-cache settings, so that Spring and
 * Hibernate users configure caches without code. {@link
 * dev.cellar.internal.config.CacheManagerSettings} is the entry point.
 */
@NullMarked
package dev.cellar.internal.config;

import org.jspecify.annotations.NullMarked;
