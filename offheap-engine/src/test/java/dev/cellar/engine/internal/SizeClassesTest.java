package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizeClassesTest {
  @Test
  void aKibValueUnderAShortKeyTakesASixteenthMoreAtMost() {
    SizeClasses classes = new SizeClasses(1 << 20);
    // 40-byte header, 21-byte key, 1 KiB value.
    assertEquals(1088, classes.size(classes.classOf(1085)));
    assertEquals(1088, classes.size(classes.classOf(1088)));
    assertEquals(1152, classes.size(classes.classOf(1089)));
    assertEquals(1024, classes.size(classes.classOf(1024)));
    assertEquals(1088, classes.size(classes.classOf(1025)));
    assertEquals(64, classes.size(classes.classOf(1)));
    assertEquals(256 << 10, classes.largest());
    assertEquals(-1, classes.classOf((256 << 10) + 1));
  }

  @Test
  void everyLengthWastesLessThanASixteenthOrSixteenBytes() {
    SizeClasses classes = new SizeClasses(1 << 20);
    int previous = 0;
    for (int c = 0; c < classes.count(); c++) {
      int size = classes.size(c);
      assertEquals(0, size % 16, "class " + c);
      assertTrue(size > previous, "class " + c);
      previous = size;
    }
    for (int length = SizeClasses.MIN_CHUNK; length <= classes.largest(); length++) {
      int chunk = classes.size(classes.classOf(length));
      assertTrue(chunk >= length, "length " + length);
      assertTrue(chunk - length < Math.max(16, chunk / 16), "length " + length + " in " + chunk);
    }
  }

  @Test
  void smallPagesStopAtAQuarterPage() {
    SizeClasses classes = new SizeClasses(4096);
    assertEquals(1024, classes.largest());
    // Steps of 16 bytes up to 512, then a sixteenth of the power of two.
    assertEquals(4 + 8 + 16 + 16 + 1, classes.count());
  }
}
