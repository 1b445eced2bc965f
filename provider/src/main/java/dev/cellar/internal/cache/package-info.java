/** Provider internals (cache); not for users. */
@NullMarked
package dev.cellar.internal.cache;

import org.jspecify.annotations.NullMarked;
