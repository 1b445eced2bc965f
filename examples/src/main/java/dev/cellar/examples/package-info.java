/**
 * Runnable programs that show Cellar through its public API: the tour, and one small program per
 * feature.
 */
@NullMarked
package dev.cellar.examples;

import org.jspecify.annotations.NullMarked;
