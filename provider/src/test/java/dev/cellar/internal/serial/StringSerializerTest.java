package dev.cellar.internal.serial;

import static dev.cellar.internal.serial.SerialBytes.bytes;
import static dev.cellar.internal.serial.SerialBytes.read;
import static dev.cellar.internal.serial.SerialBytes.roundTrip;
import static dev.cellar.internal.serial.SerialBytes.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.Serializer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.cache.CacheException;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class StringSerializerTest {
  private final Serializer<String> strings = StringSerializer.INSTANCE;

  @Test
  void emptyAndAsciiStringsAreTheirBytes() {
    assertEquals(0, bytes(strings, "").length);
    assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), bytes(strings, "abc"));
    assertEquals("", roundTrip(strings, ""));
  }

  @Test
  void everyCharRoundTripsAlone() {
    for (char c = 0; c < Character.MAX_VALUE; c++) {
      String value = String.valueOf(c);
      assertEquals(value, roundTrip(strings, value), () -> "char " + (int) value.charAt(0));
    }
    assertEquals("\uFFFF", roundTrip(strings, "\uFFFF"));
  }

  @Test
  void wellFormedStringsAreExactlyStandardUtf8() {
    Random random = new Random(11);
    for (int i = 0; i < 2000; i++) {
      String value = randomString(random, false);
      assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), bytes(strings, value), value);
      assertEquals(value, roundTrip(strings, value));
    }
  }

  @Test
  void stringsWithUnpairedSurrogatesRoundTrip() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      String value = randomString(random, true);
      assertEquals(value, roundTrip(strings, value), () -> "seed " + seed);
    }
  }

  @Test
  void unpairedSurrogatesGetTheirOwnThreeBytesNotQuestionMarks() {
    assertArrayEquals(unhex("EDA080"), bytes(strings, "\uD800"));
    assertArrayEquals(unhex("EDBFBF"), bytes(strings, "\uDFFF"));
    // Low before high is two lone surrogates, not a pair.
    assertArrayEquals(unhex("EDB080 EDA080"), bytes(strings, "\uDC00\uD800"));
    assertArrayEquals(unhex("F0908080"), bytes(strings, "\uD800\uDC00"));
    assertArrayEquals(unhex("EDA080 F0908080"), bytes(strings, "\uD800\uD800\uDC00"));
    assertFalse(Arrays.equals(bytes(strings, "a\uD800"), bytes(strings, "a?")));
  }

  @Test
  void decodingIsStrict() {
    assertCorrupt("C080"); // overlong NUL
    assertCorrupt("E08080"); // overlong three-byte
    assertCorrupt("F0808080"); // overlong four-byte
    assertCorrupt("F4908080"); // above U+10FFFF
    assertCorrupt("EDA080 EDB080"); // a pair spelled as two three-byte sequences
    assertCorrupt("80"); // stray continuation byte
    assertCorrupt("E282"); // truncated
    assertCorrupt("E2 41 41"); // missing continuation
    assertCorrupt("F8 808080 80"); // five-byte lead
  }

  private void assertCorrupt(String hex) {
    CacheException e = assertThrows(CacheException.class, () -> read(strings, unhex(hex)));
    assertTrue(e.getMessage().startsWith("corrupt serialized value"), e.getMessage());
  }

  /**
   * Random text over all of UTF-16: ASCII, two- and three-byte chars, pairs and, if asked, lone
   * surrogates.
   */
  private static String randomString(Random random, boolean loneSurrogates) {
    int length = random.nextInt(20);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(5)) {
        case 0 -> text.append((char) random.nextInt(0x80));
        case 1 -> text.append((char) (0x80 + random.nextInt(0x800 - 0x80)));
        case 2 -> text.append((char) (0xE000 + random.nextInt(0x2000)));
        case 3 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
        default -> {
          if (loneSurrogates) {
            text.append((char) (0xD800 + random.nextInt(0x800)));
          } else {
            text.append((char) (0x800 + random.nextInt(0xD800 - 0x800)));
          }
        }
      }
    }
    return text.toString();
  }

  @Test
  void writesAtTheRightPlaceInEveryKindOfBuffer() {
    Serializer<String> serializer = strings;
    byte[] backing = new byte[32];
    // An array buffer wrapped at an offset, an expandable one that must grow, and direct memory.
    UnsafeBuffer slice = new UnsafeBuffer(backing, 8, 16);
    ExpandableArrayBuffer growing = new ExpandableArrayBuffer(2);
    UnsafeBuffer direct = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(16));
    for (String value : new String[] {"key-42", "k\u00e9y"}) {
      byte[] expected = value.getBytes(StandardCharsets.UTF_8);
      java.util.Arrays.fill(backing, (byte) 0);

      assertEquals(expected.length, serializer.write(value, slice, 3));
      assertArrayEquals(expected, java.util.Arrays.copyOfRange(backing, 11, 11 + expected.length));
      assertEquals(0, backing[10]);
      assertEquals(0, backing[11 + expected.length]);

      assertEquals(expected.length, serializer.write(value, growing, 5));
      byte[] grown = new byte[expected.length];
      growing.getBytes(5, grown);
      assertArrayEquals(expected, grown);

      assertEquals(expected.length, serializer.write(value, direct, 1));
      byte[] fromDirect = new byte[expected.length];
      direct.getBytes(1, fromDirect);
      assertArrayEquals(expected, fromDirect);
      assertEquals(value, serializer.read(direct, 1, expected.length));
    }
    assertThrows(IndexOutOfBoundsException.class, () -> serializer.write("x".repeat(14), slice, 3));
  }
}
