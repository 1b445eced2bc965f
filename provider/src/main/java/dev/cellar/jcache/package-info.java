/** The JCache (JSR-107) provider: the entry point found by {@code Caching.getCachingProvider()}. */
@NullMarked
package dev.cellar.jcache;

import org.jspecify.annotations.NullMarked;
