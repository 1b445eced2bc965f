/** Provider internals (config); not for users. */
@NullMarked
package dev.cellar.internal.config;

import org.jspecify.annotations.NullMarked;
