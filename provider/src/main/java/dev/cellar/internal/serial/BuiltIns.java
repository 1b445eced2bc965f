package dev.cellar.internal.serial;

import dev.cellar.Serializer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.agrona.MutableDirectBuffer;
import org.jspecify.annotations.Nullable;

/** The built-in encodings of {@link Tags}, looked up by exact class or by tag. */
final class BuiltIns {
  /**
   * One built-in encoding.
   *
   * @param tag the byte that names it in the tagged format
   * @param type the exact class it encodes (not its subclasses)
   * @param payload the serializer of the bytes after the tag
   */
  record Encoding<T>(byte tag, Class<T> type, Serializer<T> payload) {
    /** Writes the payload of {@code value}, which must be of {@link #type}. */
    int writePayload(Object value, MutableDirectBuffer buffer, int offset) {
      return payload.write(type.cast(value), buffer, offset);
    }
  }

  private static final List<Encoding<?>> ALL =
      List.of(
          new Encoding<>(Tags.STRING, String.class, StringSerializer.INSTANCE),
          new Encoding<>(Tags.BOOLEAN, Boolean.class, LangSerializers.BOOLEAN),
          new Encoding<>(Tags.BYTE, Byte.class, LangSerializers.BYTE),
          new Encoding<>(Tags.SHORT, Short.class, LangSerializers.SHORT),
          new Encoding<>(Tags.CHARACTER, Character.class, LangSerializers.CHARACTER),
          new Encoding<>(Tags.INTEGER, Integer.class, LangSerializers.INTEGER),
          new Encoding<>(Tags.LONG, Long.class, LangSerializers.LONG),
          new Encoding<>(Tags.FLOAT, Float.class, LangSerializers.FLOAT),
          new Encoding<>(Tags.DOUBLE, Double.class, LangSerializers.DOUBLE),
          new Encoding<>(Tags.BYTE_ARRAY, byte[].class, LangSerializers.BYTE_ARRAY),
          new Encoding<>(Tags.UUID, UUID.class, ValueSerializers.UUID),
          new Encoding<>(Tags.BIG_INTEGER, BigInteger.class, ValueSerializers.BIG_INTEGER),
          new Encoding<>(Tags.BIG_DECIMAL, BigDecimal.class, ValueSerializers.BIG_DECIMAL),
          new Encoding<>(Tags.INSTANT, Instant.class, TimeSerializers.INSTANT),
          new Encoding<>(Tags.DURATION, Duration.class, TimeSerializers.DURATION),
          new Encoding<>(Tags.LOCAL_DATE, LocalDate.class, TimeSerializers.LOCAL_DATE),
          new Encoding<>(Tags.LOCAL_TIME, LocalTime.class, TimeSerializers.LOCAL_TIME),
          new Encoding<>(
              Tags.LOCAL_DATE_TIME, LocalDateTime.class, TimeSerializers.LOCAL_DATE_TIME),
          new Encoding<>(
              Tags.OFFSET_DATE_TIME, OffsetDateTime.class, TimeSerializers.OFFSET_DATE_TIME),
          new Encoding<>(
              Tags.ZONED_DATE_TIME, ZonedDateTime.class, TimeSerializers.ZONED_DATE_TIME));

  private static final Map<Class<?>, Encoding<?>> BY_CLASS =
      ALL.stream().collect(Collectors.toUnmodifiableMap(Encoding::type, Function.identity()));

  private static final @Nullable Encoding<?>[] BY_TAG = new Encoding<?>[256];

  static {
    for (Encoding<?> encoding : ALL) {
      BY_TAG[encoding.tag() & 0xFF] = encoding;
    }
  }

  private BuiltIns() {}

  /** The encoding of exactly {@code type}, or null if it has none. */
  static @Nullable Encoding<?> forClass(Class<?> type) {
    return BY_CLASS.get(type);
  }

  /** The encoding named by {@code tag}, or null if no built-in type has that tag. */
  static @Nullable Encoding<?> forTag(byte tag) {
    return BY_TAG[tag & 0xFF];
  }
}
