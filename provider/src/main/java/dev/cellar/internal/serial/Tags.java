package dev.cellar.internal.serial;

/**
 * The tagged format: one tag byte that names the encoding, then its payload. The payload's length
 * is the stored length minus one, so no payload carries its own length unless it has two parts.
 * Numbers are big-endian (network order, as {@code DataOutput}, Java serialization and {@code
 * BigInteger.toByteArray()} write them), so a UUID's bytes are its RFC 4122 bytes.
 *
 * <pre>
 *  tag   type            payload
 *  ----  --------------  ---------------------------------------------------------------
 *  0x00  (reserved)      never written, so zeroed memory never reads as a value
 *  0x01  String          UTF-8; an unpaired surrogate takes the three bytes UTF-8 would
 *                        give its code point (WTF-8), so every Java string round-trips
 *  0x02  Boolean         1 byte: 0 or 1
 *  0x03  Byte            1 byte
 *  0x04  Short           2 bytes
 *  0x05  Character       2 bytes (the UTF-16 code unit)
 *  0x06  Integer         4 bytes
 *  0x07  Long            8 bytes
 *  0x08  Float           4 bytes: floatToIntBits (one NaN, -0.0 differs from 0.0)
 *  0x09  Double          8 bytes: doubleToLongBits (one NaN, -0.0 differs from 0.0)
 *  0x0A  byte[]          the bytes
 *  0x10  UUID            16 bytes: most then least significant half
 *  0x11  BigInteger      toByteArray(): minimal two's complement
 *  0x12  BigDecimal      4-byte scale, then the unscaled value as toByteArray()
 *  0x20  Instant         8-byte epoch second, 4-byte nano
 *  0x21  Duration        8-byte seconds, 4-byte nano
 *  0x22  LocalDate       4-byte year, 1-byte month, 1-byte day
 *  0x23  LocalTime       8-byte nano of day
 *  0x24  LocalDateTime   LocalDate's 6 bytes, then LocalTime's 8
 *  0x25  OffsetDateTime  LocalDateTime's 14 bytes, then 4-byte offset in seconds
 *  0x26  ZonedDateTime   LocalDateTime's 14 bytes, 4-byte offset in seconds, zone id as 0x01
 *  0x30  enum constant   2-byte length of the class name, class name then constant name as 0x01
 *  0x7F  anything else   a Java serialization stream (ObjectOutputStream)
 * </pre>
 *
 * <p>Every encoding is a function of the value's {@code equals}: equal values give equal bytes and
 * unequal values unequal bytes, which is what keys need. Java serialization keeps that promise only
 * when the class writes itself deterministically. Tags match exact classes: a subclass of {@code
 * BigInteger} or {@code BigDecimal} goes to Java serialization, so it reads back as its own class.
 */
final class Tags {
  static final byte STRING = 0x01;
  static final byte BOOLEAN = 0x02;
  static final byte BYTE = 0x03;
  static final byte SHORT = 0x04;
  static final byte CHARACTER = 0x05;
  static final byte INTEGER = 0x06;
  static final byte LONG = 0x07;
  static final byte FLOAT = 0x08;
  static final byte DOUBLE = 0x09;
  static final byte BYTE_ARRAY = 0x0A;
  static final byte UUID = 0x10;
  static final byte BIG_INTEGER = 0x11;
  static final byte BIG_DECIMAL = 0x12;
  static final byte INSTANT = 0x20;
  static final byte DURATION = 0x21;
  static final byte LOCAL_DATE = 0x22;
  static final byte LOCAL_TIME = 0x23;
  static final byte LOCAL_DATE_TIME = 0x24;
  static final byte OFFSET_DATE_TIME = 0x25;
  static final byte ZONED_DATE_TIME = 0x26;
  static final byte ENUM = 0x30;
  static final byte JAVA_SERIALIZATION = 0x7F;

  /** The length of the tag that starts every tagged value. */
  static final int LENGTH = 1;

  private Tags() {}
}
