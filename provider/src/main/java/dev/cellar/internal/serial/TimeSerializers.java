package dev.cellar.internal.serial;

import static java.nio.ByteOrder.BIG_ENDIAN;

import dev.cellar.Serializer;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Untagged payload serializers for the common {@code java.time} values. Each writes exactly the
 * fields its class's {@code equals} compares, so equal values give equal bytes.
 */
final class TimeSerializers {
  private static final int DATE_BYTES = Integer.BYTES + 2;
  private static final int DATE_TIME_BYTES = DATE_BYTES + Long.BYTES;
  private static final int OFFSET_DATE_TIME_BYTES = DATE_TIME_BYTES + Integer.BYTES;

  static final Serializer<Instant> INSTANT =
      new FixedWidthSerializer<>(
          Instant.class,
          Long.BYTES + Integer.BYTES,
          (v, b, o) -> putSecondsAndNanos(v.getEpochSecond(), v.getNano(), b, o),
          (b, o) -> Instant.ofEpochSecond(b.getLong(o, BIG_ENDIAN), nanosAfterSeconds(b, o)));

  static final Serializer<Duration> DURATION =
      new FixedWidthSerializer<>(
          Duration.class,
          Long.BYTES + Integer.BYTES,
          (v, b, o) -> putSecondsAndNanos(v.getSeconds(), v.getNano(), b, o),
          (b, o) -> Duration.ofSeconds(b.getLong(o, BIG_ENDIAN), nanosAfterSeconds(b, o)));

  static final Serializer<LocalDate> LOCAL_DATE =
      new FixedWidthSerializer<>(
          LocalDate.class, DATE_BYTES, TimeSerializers::putDate, TimeSerializers::getDate);

  static final Serializer<LocalTime> LOCAL_TIME =
      new FixedWidthSerializer<>(
          LocalTime.class,
          Long.BYTES,
          (v, b, o) -> b.putLong(o, v.toNanoOfDay(), BIG_ENDIAN),
          (b, o) -> LocalTime.ofNanoOfDay(b.getLong(o, BIG_ENDIAN)));

  static final Serializer<LocalDateTime> LOCAL_DATE_TIME =
      new FixedWidthSerializer<>(
          LocalDateTime.class,
          DATE_TIME_BYTES,
          TimeSerializers::putDateTime,
          TimeSerializers::getDateTime);

  static final Serializer<OffsetDateTime> OFFSET_DATE_TIME =
      new FixedWidthSerializer<>(
          OffsetDateTime.class,
          OFFSET_DATE_TIME_BYTES,
          (v, b, o) -> {
            putDateTime(v.toLocalDateTime(), b, o);
            b.putInt(o + DATE_TIME_BYTES, v.getOffset().getTotalSeconds(), BIG_ENDIAN);
          },
          (b, o) -> OffsetDateTime.of(getDateTime(b, o), getOffset(b, o + DATE_TIME_BYTES)));

  /**
   * The local date-time, the offset, then the zone id as a string. The offset is kept so that a
   * time in an overlap (the hour a clock repeats) reads back with the offset it had.
   */
  static final Serializer<ZonedDateTime> ZONED_DATE_TIME =
      new Serializer<>() {
        @Override
        public int write(ZonedDateTime value, MutableDirectBuffer buffer, int offset) {
          OFFSET_DATE_TIME.write(value.toOffsetDateTime(), buffer, offset);
          int zoneOffset = offset + OFFSET_DATE_TIME_BYTES;
          return OFFSET_DATE_TIME_BYTES
              + StringSerializer.INSTANCE.write(value.getZone().getId(), buffer, zoneOffset);
        }

        @Override
        public ZonedDateTime read(DirectBuffer buffer, int offset, int length) {
          if (length <= OFFSET_DATE_TIME_BYTES) {
            throw SerialFailures.corrupt("ZonedDateTime needs more than 18 bytes, got " + length);
          }
          OffsetDateTime local = OFFSET_DATE_TIME.read(buffer, offset, OFFSET_DATE_TIME_BYTES);
          String zoneId =
              StringSerializer.INSTANCE.read(
                  buffer, offset + OFFSET_DATE_TIME_BYTES, length - OFFSET_DATE_TIME_BYTES);
          try {
            return ZonedDateTime.ofLocal(
                local.toLocalDateTime(), ZoneId.of(zoneId), local.getOffset());
          } catch (DateTimeException e) {
            // An unknown zone id: written by a JVM whose time-zone data this one lacks.
            throw SerialFailures.cannotDeserialize("ZonedDateTime in zone " + zoneId, e);
          }
        }
      };

  private TimeSerializers() {}

  private static void putSecondsAndNanos(
      long seconds, int nanos, MutableDirectBuffer buffer, int offset) {
    buffer.putLong(offset, seconds, BIG_ENDIAN);
    buffer.putInt(offset + Long.BYTES, nanos, BIG_ENDIAN);
  }

  private static int nanosAfterSeconds(DirectBuffer buffer, int offset) {
    return buffer.getInt(offset + Long.BYTES, BIG_ENDIAN);
  }

  private static void putDate(LocalDate date, MutableDirectBuffer buffer, int offset) {
    buffer.putInt(offset, date.getYear(), BIG_ENDIAN);
    buffer.putByte(offset + Integer.BYTES, (byte) date.getMonthValue());
    buffer.putByte(offset + Integer.BYTES + 1, (byte) date.getDayOfMonth());
  }

  private static LocalDate getDate(DirectBuffer buffer, int offset) {
    return LocalDate.of(
        buffer.getInt(offset, BIG_ENDIAN),
        buffer.getByte(offset + Integer.BYTES),
        buffer.getByte(offset + Integer.BYTES + 1));
  }

  private static void putDateTime(LocalDateTime dateTime, MutableDirectBuffer buffer, int offset) {
    putDate(dateTime.toLocalDate(), buffer, offset);
    buffer.putLong(offset + DATE_BYTES, dateTime.toLocalTime().toNanoOfDay(), BIG_ENDIAN);
  }

  private static LocalDateTime getDateTime(DirectBuffer buffer, int offset) {
    return LocalDateTime.of(
        getDate(buffer, offset),
        LocalTime.ofNanoOfDay(buffer.getLong(offset + DATE_BYTES, BIG_ENDIAN)));
  }

  private static ZoneOffset getOffset(DirectBuffer buffer, int offset) {
    return ZoneOffset.ofTotalSeconds(buffer.getInt(offset, BIG_ENDIAN));
  }
}
