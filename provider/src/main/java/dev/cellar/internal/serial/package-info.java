/** Provider internals (serial); not for users. */
@NullMarked
package dev.cellar.internal.serial;

import org.jspecify.annotations.NullMarked;
