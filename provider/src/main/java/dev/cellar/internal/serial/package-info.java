/**
 * Cellar's built-in serializers: compact tagged encodings for the common immutable JDK types and
 * Java serialization, guarded by an {@link java.io.ObjectInputFilter}, for everything else. {@link
 * dev.cellar.internal.serial.Serializers} picks one for a declared key or value type; {@link
 * dev.cellar.internal.serial.Tags} is the byte format.
 */
@NullMarked
package dev.cellar.internal.serial;

import org.jspecify.annotations.NullMarked;
