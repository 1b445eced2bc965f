package dev.cellar.internal.cache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The classes whose instances the near tier may hand to several callers: values that can never
 * change after construction. Membership is by exact class, never by {@code instanceof}, because a
 * subclass of an immutable class (a {@code BigDecimal} subclass, say) can add mutable state.
 *
 * <p>Built in: {@code String}, the boxed primitives, {@code UUID}, {@code BigInteger}, {@code
 * BigDecimal} and the {@code java.time} value types. Users add records and enums they declare
 * immutable; an enum is matched by its declaring class, so constants with bodies count too.
 */
public final class ImmutableTypes {
  private static final Set<Class<?>> BUILT_IN =
      Set.of(
          String.class,
          Boolean.class,
          Byte.class,
          Short.class,
          Character.class,
          Integer.class,
          Long.class,
          Float.class,
          Double.class,
          UUID.class,
          BigInteger.class,
          BigDecimal.class,
          Instant.class,
          LocalDate.class,
          LocalTime.class,
          LocalDateTime.class,
          OffsetDateTime.class,
          OffsetTime.class,
          ZonedDateTime.class,
          Duration.class,
          Period.class,
          Year.class,
          YearMonth.class,
          MonthDay.class,
          ZoneOffset.class,
          // ZoneId.of("Europe/Paris") is an instance of a JDK-internal subclass.
          ZoneId.of("Europe/Paris").getClass(),
          DayOfWeek.class,
          Month.class);

  private final Set<Class<?>> classes;

  /**
   * The built-in classes plus {@code declared}.
   *
   * @throws IllegalArgumentException if a declared class is neither a record nor an enum
   */
  public ImmutableTypes(Collection<Class<?>> declared) {
    Set<Class<?>> all = new HashSet<>(BUILT_IN);
    for (Class<?> type : declared) {
      all.add(check(type));
    }
    this.classes = Set.copyOf(all);
  }

  /**
   * Returns {@code type} if it may be declared immutable: a record or an enum.
   *
   * @throws IllegalArgumentException otherwise, saying why
   */
  public static Class<?> check(Class<?> type) {
    if (!type.isRecord() && !type.isEnum()) {
      throw new IllegalArgumentException(
          type.getName()
              + " cannot be declared immutable: only records and enums can (String, boxed"
              + " primitives, UUID, BigInteger, BigDecimal and java.time values are built in)");
    }
    return type;
  }

  /**
   * True if {@code value} is an instance of one of these classes (an enum by its declaring one).
   */
  public boolean holds(Object value) {
    Class<?> type = value.getClass();
    if (classes.contains(type)) {
      return true;
    }
    return value instanceof Enum<?> constant && classes.contains(constant.getDeclaringClass());
  }
}
