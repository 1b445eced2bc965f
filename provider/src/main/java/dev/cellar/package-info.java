/**
 * Cellar's public API: the cache configuration, the serializer SPI and (with the bucket API) the
 * key-value view of a cache.
 */
@NullMarked
package dev.cellar;

import org.jspecify.annotations.NullMarked;
