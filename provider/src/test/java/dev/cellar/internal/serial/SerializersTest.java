package dev.cellar.internal.serial;

import static dev.cellar.internal.serial.SerialBytes.hex;
import static dev.cellar.internal.serial.SerialBytes.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cellar.Serializer;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerializersTest {
  private static final ClassLoader LOADER = SerializersTest.class.getClassLoader();

  @Test
  void finalBuiltInTypesGetTheirUntaggedEncoding() {
    assertSame(StringSerializer.INSTANCE, Serializers.forType(String.class, LOADER, null));
    assertSame(LangSerializers.LONG, Serializers.forType(Long.class, LOADER, null));
    assertSame(LangSerializers.BYTE_ARRAY, Serializers.forType(byte[].class, LOADER, null));
    assertSame(ValueSerializers.UUID, Serializers.forType(UUID.class, LOADER, null));
    assertSame(TimeSerializers.LOCAL_DATE, Serializers.forType(LocalDate.class, LOADER, null));
    assertEquals("0000000000000001", hex(Serializers.forType(Long.class, LOADER, null), 1L));
  }

  @Test
  void primitiveTypesMeanTheirBoxes() {
    assertSame(LangSerializers.INTEGER, Serializers.forType(int.class, LOADER, null));
    assertSame(LangSerializers.BOOLEAN, Serializers.forType(boolean.class, LOADER, null));
    assertSame(LangSerializers.DOUBLE, Serializers.forType(double.class, LOADER, null));
    assertEquals(7, roundTrip(Serializers.forType(int.class, LOADER, null), 7));
  }

  @Test
  void everyOtherTypeIsTagged() {
    for (Class<?> type :
        new Class<?>[] {
          Object.class,
          Serializable.class,
          Comparable.class,
          Number.class,
          CharSequence.class,
          BigInteger.class, // not final: a subclass must keep its class
          BigDecimal.class,
          TimeUnit.class,
          SerializersTest.class
        }) {
      assertInstanceOf(
          TaggedSerializer.class, Serializers.forType(type, LOADER, null), type::getName);
    }
  }

  @Test
  void aNumberDeclaredCacheStillUsesTheFastEncodings() {
    Serializer<Number> numbers = Serializers.forType(Number.class, LOADER, null);

    assertEquals("0600000001", hex(numbers, 1));
    assertEquals("070000000000000001", hex(numbers, 1L));
    assertEquals(1L, roundTrip(numbers, 1L));
  }
}
