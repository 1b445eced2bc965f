package dev.cellar.internal.serial;

import static java.nio.ByteOrder.BIG_ENDIAN;

import dev.cellar.Serializer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.UUID;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** Untagged payload serializers for {@code UUID}, {@code BigInteger} and {@code BigDecimal}. */
final class ValueSerializers {
  /** Most then least significant half, big-endian: the UUID's RFC 4122 byte order. */
  static final Serializer<UUID> UUID =
      new FixedWidthSerializer<>(
          java.util.UUID.class,
          2 * Long.BYTES,
          (v, b, o) -> {
            b.putLong(o, v.getMostSignificantBits(), BIG_ENDIAN);
            b.putLong(o + Long.BYTES, v.getLeastSignificantBits(), BIG_ENDIAN);
          },
          (b, o) -> new UUID(b.getLong(o, BIG_ENDIAN), b.getLong(o + Long.BYTES, BIG_ENDIAN)));

  /** {@code toByteArray()}: the shortest two's complement, so equal values give equal bytes. */
  static final Serializer<BigInteger> BIG_INTEGER =
      new Serializer<>() {
        @Override
        public int write(BigInteger value, MutableDirectBuffer buffer, int offset) {
          byte[] bytes = value.toByteArray();
          buffer.putBytes(offset, bytes);
          return bytes.length;
        }

        @Override
        public BigInteger read(DirectBuffer buffer, int offset, int length) {
          if (length < 1) {
            throw SerialFailures.corrupt("BigInteger needs at least 1 byte, got " + length);
          }
          byte[] bytes = new byte[length];
          buffer.getBytes(offset, bytes);
          return new BigInteger(bytes);
        }
      };

  /**
   * The scale, then the unscaled value as {@link #BIG_INTEGER} writes it. {@code equals} compares
   * both, so 1.0 and 1.00 are different values and get different bytes.
   */
  static final Serializer<BigDecimal> BIG_DECIMAL =
      new Serializer<>() {
        @Override
        public int write(BigDecimal value, MutableDirectBuffer buffer, int offset) {
          buffer.putInt(offset, value.scale(), BIG_ENDIAN);
          return Integer.BYTES
              + BIG_INTEGER.write(value.unscaledValue(), buffer, offset + Integer.BYTES);
        }

        @Override
        public BigDecimal read(DirectBuffer buffer, int offset, int length) {
          if (length < Integer.BYTES + 1) {
            throw SerialFailures.corrupt("BigDecimal needs at least 5 bytes, got " + length);
          }
          int scale = buffer.getInt(offset, BIG_ENDIAN);
          BigInteger unscaled =
              BIG_INTEGER.read(buffer, offset + Integer.BYTES, length - Integer.BYTES);
          return new BigDecimal(unscaled, scale);
        }
      };

  private ValueSerializers() {}
}
