package dev.cellar.internal.serial;

import static java.nio.ByteOrder.BIG_ENDIAN;

import dev.cellar.Serializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Untagged payload serializers for the boxed primitives and {@code byte[]} (see {@link Tags}). In
 * the lambdas {@code v} is the value, {@code b} the buffer and {@code o} the offset.
 */
final class LangSerializers {
  static final Serializer<Boolean> BOOLEAN =
      new FixedWidthSerializer<>(
          Boolean.class,
          1,
          (v, b, o) -> b.putByte(o, (byte) (v ? 1 : 0)),
          LangSerializers::getBoolean);

  static final Serializer<Byte> BYTE =
      new FixedWidthSerializer<>(
          Byte.class, Byte.BYTES, (v, b, o) -> b.putByte(o, v), DirectBuffer::getByte);

  static final Serializer<Short> SHORT =
      new FixedWidthSerializer<>(
          Short.class,
          Short.BYTES,
          (v, b, o) -> b.putShort(o, v, BIG_ENDIAN),
          (b, o) -> b.getShort(o, BIG_ENDIAN));

  static final Serializer<Character> CHARACTER =
      new FixedWidthSerializer<>(
          Character.class,
          Character.BYTES,
          (v, b, o) -> b.putChar(o, v, BIG_ENDIAN),
          (b, o) -> b.getChar(o, BIG_ENDIAN));

  static final Serializer<Integer> INTEGER =
      new FixedWidthSerializer<>(
          Integer.class,
          Integer.BYTES,
          (v, b, o) -> b.putInt(o, v, BIG_ENDIAN),
          (b, o) -> b.getInt(o, BIG_ENDIAN));

  static final Serializer<Long> LONG =
      new FixedWidthSerializer<>(
          Long.class,
          Long.BYTES,
          (v, b, o) -> b.putLong(o, v, BIG_ENDIAN),
          (b, o) -> b.getLong(o, BIG_ENDIAN));

  // floatToIntBits, not the raw bits: Float.equals treats every NaN as one value, so they must
  // give one byte pattern. It keeps -0.0f apart from 0.0f, as equals does.
  static final Serializer<Float> FLOAT =
      new FixedWidthSerializer<>(
          Float.class,
          Float.BYTES,
          (v, b, o) -> b.putInt(o, Float.floatToIntBits(v), BIG_ENDIAN),
          (b, o) -> Float.intBitsToFloat(b.getInt(o, BIG_ENDIAN)));

  // doubleToLongBits for the same reason as FLOAT.
  static final Serializer<Double> DOUBLE =
      new FixedWidthSerializer<>(
          Double.class,
          Double.BYTES,
          (v, b, o) -> b.putLong(o, Double.doubleToLongBits(v), BIG_ENDIAN),
          (b, o) -> Double.longBitsToDouble(b.getLong(o, BIG_ENDIAN)));

  /** The array's bytes as they are; a read returns a new array. */
  static final Serializer<byte[]> BYTE_ARRAY =
      new Serializer<>() {
        @Override
        public int write(byte[] value, MutableDirectBuffer buffer, int offset) {
          buffer.putBytes(offset, value);
          return value.length;
        }

        @Override
        public byte[] read(DirectBuffer buffer, int offset, int length) {
          byte[] value = new byte[length];
          buffer.getBytes(offset, value);
          return value;
        }
      };

  private LangSerializers() {}

  private static Boolean getBoolean(DirectBuffer buffer, int offset) {
    byte b = buffer.getByte(offset);
    if (b != 0 && b != 1) {
      throw SerialFailures.corrupt("Boolean byte must be 0 or 1, was " + b);
    }
    return b == 1;
  }
}
