package dev.cellar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * A configuration survives Java serialization: its settings, and its serializers and clock when
 * they are serializable; the others come back as the defaults, never as null.
 */
class CellarConfigurationSerializationTest {
  /** Keys as upper-case UTF-8, so that a cache shows which serializer it got. */
  static final class UpperCase implements Serializer<String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int write(String value, MutableDirectBuffer buffer, int offset) {
      return buffer.putStringWithoutLengthUtf8(offset, value.toUpperCase(java.util.Locale.ROOT));
    }

    @Override
    public String read(DirectBuffer buffer, int offset, int length) {
      byte[] bytes = new byte[length];
      buffer.getBytes(offset, bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T object) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(object);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (T) in.readObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void serializableSettingsTravelAndTheCopyMakesAWorkingCache() {
    Clock fixed = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    CellarConfiguration<String, String> original =
        new CellarConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setMaxBytes(8L << 20)
            .setHistory(3)
            .setSegments(2)
            .setKeySerializer(new UpperCase())
            .setClock(fixed);
    CellarConfiguration<String, String> copy = roundTrip(original);
    assertEquals(8L << 20, copy.getMaxBytes());
    assertEquals(3, copy.getHistory());
    assertEquals(2, copy.getSegments());
    assertEquals(fixed, copy.getClock());
    assertInstanceOf(UpperCase.class, copy.getKeySerializer());
    assertNotEquals(original, copy, "the serializers are equal only by identity");
    assertEquals(
        new CellarConfiguration<>(original).setKeySerializer(null),
        new CellarConfiguration<>(copy).setKeySerializer(null));

    CacheManager manager =
        Caching.getCachingProvider(dev.cellar.jcache.CellarCachingProvider.class.getName())
            .getCacheManager(
                URI.create("cellar:config-serialization"), getClass().getClassLoader());
    try {
      Cache<String, String> cache = manager.createCache("copy", copy);
      cache.put("a", "1");
      assertEquals("1", cache.get("a"));
      assertEquals(
          "A", cache.iterator().next().getKey(), "keys went through the copied serializer");
    } finally {
      manager.close();
    }
  }

  @Test
  void settingsThatCannotTravelComeBackAsTheDefaults() {
    Clock unserializable =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.EPOCH;
          }
        };
    CellarConfiguration<String, String> copy =
        roundTrip(
            new CellarConfiguration<String, String>()
                .setClock(unserializable)
                .setListenerExecutor(Runnable::run)
                .setValueSerializer(
                    new Serializer<>() {
                      @Override
                      public int write(String value, MutableDirectBuffer buffer, int offset) {
                        return buffer.putStringWithoutLengthUtf8(offset, value);
                      }

                      @Override
                      public String read(DirectBuffer buffer, int offset, int length) {
                        return buffer.getStringWithoutLengthUtf8(offset, length);
                      }
                    }));
    assertEquals(Clock.systemUTC(), copy.getClock());
    assertNull(copy.getListenerExecutor());
    assertNull(copy.getValueSerializer());
  }
}
