package dev.cellar.internal.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.internal.serial.Serializers;
import org.junit.jupiter.api.Test;

/** The per-thread scratch buffers: reused while small, forgotten once a large value grew them. */
class CacheCodecTest {
  private final CacheCodec<String, byte[]> codec =
      new CacheCodec<>(
          Serializers.forType(String.class, getClass().getClassLoader(), null),
          Serializers.forType(byte[].class, getClass().getClassLoader(), null));

  @Test
  void aThreadKeepsItsScratchWhileItStaysSmall() {
    CacheCodec.Scratch first = codec.acquire();
    codec.encodeKey("k", first);
    codec.encodeValue(new byte[CacheCodec.Scratch.RETAINED_BYTES / 2], first);
    first.release();
    CacheCodec.Scratch second = codec.acquire();
    assertSame(first, second);
    second.release();
  }

  @Test
  void aScratchGrownByALargeValueIsNotKept() {
    CacheCodec.Scratch first = codec.acquire();
    codec.encodeKey("k", first);
    codec.encodeValue(new byte[3 * CacheCodec.Scratch.RETAINED_BYTES], first);
    assertTrue(first.value.capacity() > CacheCodec.Scratch.RETAINED_BYTES);
    first.release();
    CacheCodec.Scratch second = codec.acquire();
    assertNotSame(first, second);
    assertTrue(second.value.capacity() <= CacheCodec.Scratch.RETAINED_BYTES);
    codec.encodeKey("k2", second);
    assertEquals(2, second.keyLength);
    second.release();
    CacheCodec.Scratch third = codec.acquire();
    third.release();
    assertSame(second, third, "the fresh, small scratch is kept");
  }

  @Test
  void aNestedOperationGetsItsOwnScratch() {
    CacheCodec.Scratch outer = codec.acquire();
    CacheCodec.Scratch inner = codec.acquire();
    assertNotSame(outer, inner);
    inner.release();
    outer.release();
    CacheCodec.Scratch again = codec.acquire();
    again.release();
    assertSame(outer, again);
  }
}
