/**
 * The engine's internals: memory layouts, pages, allocator, index, segments, journal. Not for
 * users.
 */
@NullMarked
package dev.cellar.engine.internal;

import org.jspecify.annotations.NullMarked;
