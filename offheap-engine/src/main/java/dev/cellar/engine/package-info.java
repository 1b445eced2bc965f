/**
 * The off-heap engine's public types: byte-level versioned buckets, their configuration, records,
 * cursors and observers.
 */
@NullMarked
package dev.cellar.engine;

import org.jspecify.annotations.NullMarked;
