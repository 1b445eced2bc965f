/** Provider internals (event); not for users. */
@NullMarked
package dev.cellar.internal.event;

import org.jspecify.annotations.NullMarked;
