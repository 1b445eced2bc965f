/**
 * Cellar's own management interface: {@link dev.cellar.management.CellarCacheMXBean}, the off-heap
 * figures of one cache, beside the standard JCache MXBeans.
 */
@NullMarked
package dev.cellar.management;

import org.jspecify.annotations.NullMarked;
