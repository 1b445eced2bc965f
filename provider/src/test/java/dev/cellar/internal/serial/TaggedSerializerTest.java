package dev.cellar.internal.serial;

import static dev.cellar.internal.serial.SerialBytes.bytes;
import static dev.cellar.internal.serial.SerialBytes.hex;
import static dev.cellar.internal.serial.SerialBytes.read;
import static dev.cellar.internal.serial.SerialBytes.roundTrip;
import static dev.cellar.internal.serial.SerialBytes.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.Serializer;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TaggedSerializerTest {
  private final Serializer<Object> tagged =
      Serializers.forType(Object.class, TaggedSerializerTest.class.getClassLoader(), null);

  /** A value without a built-in encoding, for the Java serialization fallback. */
  record Point(int x, int y) implements Serializable {}

  static Stream<Object> builtInValues() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    return Stream.of(
        "",
        "a",
        "plain ascii key",
        "héllo wörld",
        "日本語のキー",
        "emoji \uD83D\uDE00 pair",
        "lone high \uD800 surrogate",
        "lone low \uDC00 surrogate",
        "\uDC00\uD800 reversed pair",
        "\uD800",
        "nul \0 inside",
        "x".repeat(100_000),
        true,
        false,
        (byte) 0,
        Byte.MIN_VALUE,
        Byte.MAX_VALUE,
        (short) -1,
        Short.MIN_VALUE,
        Short.MAX_VALUE,
        'x',
        '\0',
        '\uFFFF',
        '\uD800',
        0,
        -1,
        Integer.MIN_VALUE,
        Integer.MAX_VALUE,
        0L,
        -1L,
        Long.MIN_VALUE,
        Long.MAX_VALUE,
        0.0f,
        -0.0f,
        Float.NaN,
        Float.MIN_VALUE,
        Float.MAX_VALUE,
        Float.NEGATIVE_INFINITY,
        0.0d,
        -0.0d,
        Double.NaN,
        Double.MIN_VALUE,
        Double.MAX_VALUE,
        Double.POSITIVE_INFINITY,
        new UUID(0, 0),
        new UUID(-1, -1),
        UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"),
        UUID.randomUUID(),
        BigInteger.ZERO,
        BigInteger.ONE.negate(),
        BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE),
        BigInteger.TWO.pow(1000),
        BigDecimal.ZERO,
        new BigDecimal("0.000"),
        new BigDecimal("1.0"),
        new BigDecimal("1.00"),
        new BigDecimal("-123.456e-7"),
        new BigDecimal(BigInteger.TEN, -5),
        new BigDecimal(BigInteger.TWO.pow(300), Integer.MIN_VALUE),
        Instant.EPOCH,
        Instant.MIN,
        Instant.MAX,
        Instant.ofEpochSecond(-1, 999_999_999),
        Duration.ZERO,
        Duration.ofNanos(-1),
        Duration.ofSeconds(Long.MIN_VALUE),
        Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
        LocalDate.MIN,
        LocalDate.MAX,
        LocalDate.EPOCH,
        LocalDate.of(2024, 2, 29),
        LocalTime.MIDNIGHT,
        LocalTime.MAX,
        LocalTime.of(13, 14, 15, 16),
        LocalDateTime.MIN,
        LocalDateTime.MAX,
        LocalDateTime.of(2024, 2, 29, 23, 59, 59, 1),
        OffsetDateTime.MIN,
        OffsetDateTime.MAX,
        OffsetDateTime.of(2024, 2, 29, 12, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)),
        ZonedDateTime.of(2024, 2, 29, 12, 0, 0, 0, ZoneOffset.UTC),
        ZonedDateTime.of(2024, 2, 29, 12, 0, 0, 0, ZoneId.of("UTC")),
        ZonedDateTime.of(2024, 2, 29, 12, 0, 0, 0, ZoneId.of("GMT+02:00")),
        ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, paris),
        // 02:30 on 27 Oct 2024 happens twice in Paris: both must come back with their own offset.
        ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 0, paris).withEarlierOffsetAtOverlap(),
        ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 0, paris).withLaterOffsetAtOverlap());
  }

  @ParameterizedTest
  @MethodSource("builtInValues")
  void builtInValuesRoundTripToAnEqualValueOfTheSameClass(Object value) {
    Object back = roundTrip(tagged, value);

    assertEquals(value.getClass(), back.getClass());
    assertEquals(value, back);
    byte tag = bytes(tagged, value)[0];
    assertNotEquals(Tags.JAVA_SERIALIZATION, tag, "built-in, not Java serialization");
    assertEquals(BuiltIns.forClass(value.getClass()).tag(), tag);
  }

  /** The built-in values of final classes: only those get an untagged serializer. */
  static Stream<Object> finalBuiltInValues() {
    return builtInValues().filter(value -> Modifier.isFinal(value.getClass().getModifiers()));
  }

  @ParameterizedTest
  @MethodSource("finalBuiltInValues")
  void finalBuiltInTypesGetTheTaggedPayloadWithoutTheTag(Object value) {
    Serializer<Object> untagged = forRuntimeType(value);
    byte[] taggedBytes = bytes(tagged, value);
    byte[] payload = bytes(untagged, value);

    assertArrayEquals(Arrays.copyOfRange(taggedBytes, 1, taggedBytes.length), payload, "payload");
    assertEquals(value, roundTrip(untagged, value));
  }

  @Test
  void byteArraysRoundTripTheirContent() {
    for (byte[] value : List.of(new byte[0], new byte[] {0}, new byte[] {-1, 0, 1, 127, -128})) {
      byte[] back = (byte[]) roundTrip(tagged, value);

      assertArrayEquals(value, back);
      assertNotSame(value, back);
    }
    byte[] big = new byte[1 << 20];
    new Random(7).nextBytes(big);
    assertArrayEquals(big, (byte[]) roundTrip(tagged, big));
  }

  @Test
  void formatIsPinned() {
    assertEquals("01616263", hex(tagged, "abc"));
    assertEquals("01", hex(tagged, ""));
    assertEquals("01C3A9", hex(tagged, "é"));
    assertEquals("01F09F9880", hex(tagged, "\uD83D\uDE00"));
    assertEquals("01EDA080", hex(tagged, "\uD800"));
    assertEquals("0201", hex(tagged, true));
    assertEquals("0200", hex(tagged, false));
    assertEquals("03FF", hex(tagged, (byte) -1));
    assertEquals("041234", hex(tagged, (short) 0x1234));
    assertEquals("050041", hex(tagged, 'A'));
    assertEquals("0600000001", hex(tagged, 1));
    assertEquals("07FFFFFFFFFFFFFFFE", hex(tagged, -2L));
    assertEquals("078000000000000000", hex(tagged, Long.MIN_VALUE));
    assertEquals("083F800000", hex(tagged, 1.0f));
    assertEquals("087FC00000", hex(tagged, Float.NaN));
    assertEquals("098000000000000000", hex(tagged, -0.0d));
    assertEquals("090000000000000000", hex(tagged, 0.0d));
    assertEquals("097FF8000000000000", hex(tagged, Double.NaN));
    assertEquals("0A", hex(tagged, new byte[0]));
    assertEquals("0A01FF", hex(tagged, new byte[] {1, -1}));
    assertEquals(
        "1000112233445566778899AABBCCDDEEFF",
        hex(tagged, UUID.fromString("00112233-4455-6677-8899-aabbccddeeff")));
    assertEquals("1100FF", hex(tagged, BigInteger.valueOf(255)));
    assertEquals("1100", hex(tagged, BigInteger.ZERO));
    assertEquals("12000000010F", hex(tagged, new BigDecimal("1.5")));
    assertEquals("12FFFFFFFE01", hex(tagged, new BigDecimal("1E+2")));
    assertEquals("20000000000000000100000002", hex(tagged, Instant.ofEpochSecond(1, 2)));
    assertEquals("21FFFFFFFFFFFFFFFF00000000", hex(tagged, Duration.ofSeconds(-1)));
    assertEquals("22000007E8021D", hex(tagged, LocalDate.of(2024, 2, 29)));
    assertEquals("23000000003B9ACA00", hex(tagged, LocalTime.of(0, 0, 1)));
    assertEquals(
        "24000007E8021D000000003B9ACA00", hex(tagged, LocalDateTime.of(2024, 2, 29, 0, 0, 1)));
    assertEquals(
        "25000007E8021D000000003B9ACA0000000E10",
        hex(tagged, OffsetDateTime.of(2024, 2, 29, 0, 0, 1, 0, ZoneOffset.ofHours(1))));
    assertEquals(
        "26000007E8021D000000003B9ACA0000000000" + "555443",
        hex(tagged, ZonedDateTime.of(2024, 2, 29, 0, 0, 1, 0, ZoneId.of("UTC"))));
    assertEquals(
        "30001D" + ascii("java.util.concurrent.TimeUnit") + ascii("SECONDS"),
        hex(tagged, TimeUnit.SECONDS));
    assertTrue(hex(tagged, new Point(1, 2)).startsWith("7FACED0005"), "Java serialization");
  }

  @Test
  void keysOfDifferentTypesThatLookAlikeGetDifferentBytes() {
    List<Object> ones =
        List.of(
            1,
            1L,
            (short) 1,
            (byte) 1,
            '1',
            (char) 1,
            "1",
            "\u0001",
            1.0f,
            1.0d,
            true,
            new byte[] {1},
            BigInteger.ONE,
            BigDecimal.ONE,
            new BigDecimal("1.0"),
            Instant.ofEpochSecond(1),
            Duration.ofSeconds(1),
            LocalTime.ofNanoOfDay(1),
            TimeUnit.NANOSECONDS,
            new Point(1, 1));
    Set<String> distinct = new HashSet<>();
    for (Object one : ones) {
      assertTrue(distinct.add(hex(tagged, one)), () -> "bytes of " + one + " not unique");
    }
  }

  @Test
  void equalValuesGetEqualBytes() {
    List<List<Object>> equalPairs =
        List.of(
            List.of("key", new String("key".toCharArray())),
            List.of("日本", new StringBuilder("日").append("本").toString()),
            List.of(Integer.valueOf(100_000), Integer.parseInt("100000")),
            List.of(Long.valueOf(1L << 40), Long.parseLong("1099511627776")),
            List.of(Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_0001L)),
            List.of(Double.NaN, Double.longBitsToDouble(0xfff8_0000_0000_0000L)),
            List.of(Float.NaN, Float.intBitsToFloat(0x7fc0_0001)),
            List.of(new BigDecimal("1.50"), BigDecimal.valueOf(150, 2)),
            List.of(new BigInteger("123456789012345678901234567890"), bigFromParts()),
            List.of(
                UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"),
                new UUID(0x0011223344556677L, 0x8899aabbccddeeffL)),
            List.of(LocalDate.parse("2024-02-29"), LocalDate.of(2024, 2, 29)),
            List.of(
                ZonedDateTime.parse("2024-07-01T12:00+02:00[Europe/Paris]"),
                ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, ZoneId.of("Europe/Paris"))),
            List.of(new Point(3, 4), new Point(3, 4)),
            List.of(new ArrayList<>(List.of("a", "b")), new ArrayList<>(List.of("a", "b"))));
    for (List<Object> pair : equalPairs) {
      assertEquals(pair.get(0), pair.get(1), "precondition: the pair is equal");
      assertArrayEquals(bytes(tagged, pair.get(0)), bytes(tagged, pair.get(1)), pair.toString());
    }
  }

  @Test
  void unequalValuesThatCompareAlikeGetDifferentBytes() {
    assertNotEquals(new BigDecimal("1.0"), new BigDecimal("1.00"), "precondition");
    assertFalse(
        Arrays.equals(bytes(tagged, new BigDecimal("1.0")), bytes(tagged, new BigDecimal("1.00"))));
    assertFalse(Arrays.equals(bytes(tagged, 0.0d), bytes(tagged, -0.0d)));
    assertFalse(Arrays.equals(bytes(tagged, 0.0f), bytes(tagged, -0.0f)));
    assertFalse(Arrays.equals(bytes(tagged, "\uD800"), bytes(tagged, "?")));
  }

  @Test
  void subclassesOfNonFinalBuiltInsKeepTheirClass() {
    BigInteger special = new SpecialInteger(42);

    Object back = roundTrip(tagged, special);

    assertEquals(SpecialInteger.class, back.getClass());
    assertEquals(special, back);
    assertEquals(Tags.JAVA_SERIALIZATION, bytes(tagged, special)[0]);
  }

  @Test
  void enumConstantsRoundTripToTheSameConstant() {
    for (Object constant :
        List.of(TimeUnit.DAYS, Operation.PLUS, Operation.MINUS, Thread.State.BLOCKED)) {
      assertSame(constant, roundTrip(tagged, constant));
      assertEquals(Tags.ENUM, bytes(tagged, constant)[0]);
    }
    // A constant with a body is an instance of a subclass; the bytes name the enum itself.
    assertNotEquals(Operation.class, Operation.PLUS.getClass());
    assertTrue(hex(tagged, Operation.PLUS).contains(ascii(Operation.class.getName())));
  }

  @Test
  void corruptBytesFailWithCacheException() {
    assertMessage("no tag byte", new byte[0]);
    assertMessage("unknown tag 0x00", unhex("00 00000001"));
    assertMessage("unknown tag 0x55", unhex("55"));
    assertMessage("Integer needs 4 bytes, got 3", unhex("06 000001"));
    assertMessage("Boolean byte must be 0 or 1, was 2", unhex("02 02"));
    assertMessage("BigInteger needs at least 1 byte", unhex("11"));
    assertMessage("BigDecimal needs at least 5 bytes", unhex("12 00000001"));
    assertMessage("LocalDate", unhex("22 000007E8 0D01"));
    assertMessage("ZonedDateTime in zone Nowhere/Atlantis", zoned("Nowhere/Atlantis"));
    assertMessage("ZonedDateTime needs more than 18 bytes, got 18", zoned(""));
    assertMessage("enum constant of 1 bytes", unhex("30 00"));
    assertMessage("java.lang.String is not an enum", enumBytes("java.lang.String", "X"));
    assertMessage(
        "java.util.concurrent.TimeUnit has no constant FORTNIGHTS",
        enumBytes("java.util.concurrent.TimeUnit", "FORTNIGHTS"));
    assertMessage("enum class com.acme.Gone not found", enumBytes("com.acme.Gone", "X"));
  }

  private void assertMessage(String expected, byte[] bytes) {
    CacheException e = assertThrows(CacheException.class, () -> read(tagged, bytes));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static byte[] enumBytes(String className, String constant) {
    return unhex(String.format("30 %04X", className.length()) + ascii(className) + ascii(constant));
  }

  private byte[] zoned(String zoneId) {
    byte[] utc = bytes(tagged, ZonedDateTime.of(2024, 2, 29, 0, 0, 1, 0, ZoneOffset.UTC));
    byte[] head = Arrays.copyOf(utc, utc.length - 1); // drop "Z"
    return unhex(HexFormat.of().formatHex(head) + ascii(zoneId));
  }

  @SuppressWarnings("unchecked")
  private static Serializer<Object> forRuntimeType(Object value) {
    return (Serializer<Object>)
        Serializers.forType(value.getClass(), TaggedSerializerTest.class.getClassLoader(), null);
  }

  private static BigInteger bigFromParts() {
    return BigInteger.valueOf(123456789012345L)
        .multiply(BigInteger.TEN.pow(15))
        .add(BigInteger.valueOf(678901234567890L));
  }

  private static String ascii(String text) {
    return HexFormat.of().withUpperCase().formatHex(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** An enum whose constants have bodies, so their classes are subclasses of the enum. */
  enum Operation {
    PLUS {
      @Override
      int apply(int a, int b) {
        return a + b;
      }
    },
    MINUS {
      @Override
      int apply(int a, int b) {
        return a - b;
      }
    };

    abstract int apply(int a, int b);
  }

  /** A subclass of a built-in type that is not final. */
  static final class SpecialInteger extends BigInteger {
    private static final long serialVersionUID = 1L;

    SpecialInteger(long value) {
      super(Long.toString(value));
    }
  }
}
