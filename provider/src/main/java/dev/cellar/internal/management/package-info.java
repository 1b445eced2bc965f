/** Provider internals (management); not for users. */
@NullMarked
package dev.cellar.internal.management;

import org.jspecify.annotations.NullMarked;
