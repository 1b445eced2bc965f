package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The key hash and the key comparison read a key's last bytes in one or two wide reads instead of
 * byte by byte; the results must be exactly those of the byte-by-byte definition, for every length
 * and wherever the key lies in its buffer, and bytes outside the key must never count.
 */
class KeyHashTest {
  private static final long M1 = 0x9E3779B97F4A7C15L;
  private static final long M2 = 0xBF58476D1CE4E5B9L;
  private static final long M3 = 0x94D049BB133111EBL;

  /** The hash as first written: eight bytes per step, then the tail one byte at a time. */
  private static int byteByByte(DirectBuffer buffer, int offset, int length) {
    long h = M1 ^ (length * M2);
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      h = Long.rotateLeft(h ^ (buffer.getLong(offset + i, ByteOrder.LITTLE_ENDIAN) * M2), 31) * M1;
    }
    if (i < length) {
      long tail = 0;
      for (int j = length - 1; j >= i; j--) {
        tail = (tail << 8) | (buffer.getByte(offset + j) & 0xFFL);
      }
      h = Long.rotateLeft(h ^ (tail * M2), 31) * M1;
    }
    h = (h ^ (h >>> 30)) * M2;
    h = (h ^ (h >>> 27)) * M3;
    h ^= h >>> 31;
    return (int) (h ^ (h >>> 32));
  }

  @Test
  void everyLengthAndOffsetHashesAsTheByteByByteDefinition() {
    Random random = new Random(7);
    UnsafeBuffer heap = new UnsafeBuffer(new byte[64]);
    UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    for (int round = 0; round < 50; round++) {
      byte[] bytes = new byte[64];
      random.nextBytes(bytes);
      heap.putBytes(0, bytes);
      direct.putBytes(0, bytes);
      for (int length = 0; length <= 40; length++) {
        for (int offset = 0; offset + length <= 64; offset += 3) {
          int expected = byteByByte(heap, offset, length);
          assertEquals(expected, KeyHash.hash(heap, offset, length), length + " at " + offset);
          assertEquals(expected, KeyHash.hash(direct, offset, length), length + " at " + offset);
        }
      }
    }
  }

  @Test
  void bytesAroundTheKeyDoNotCount() {
    UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
    for (int length = 0; length <= 24; length++) {
      buffer.setMemory(0, 64, (byte) 0x11);
      buffer.setMemory(20, length, (byte) 0x5A);
      int hash = KeyHash.hash(buffer, 20, length);
      buffer.setMemory(0, 20, (byte) 0x77);
      buffer.setMemory(20 + length, 44 - length, (byte) 0x77);
      assertEquals(hash, KeyHash.hash(buffer, 20, length), "length " + length);
    }
  }

  @Test
  void keysAreEqualExactlyWhenEveryByteIs() {
    Random random = new Random(11);
    UnsafeBuffer page = new UnsafeBuffer(new byte[256]);
    UnsafeBuffer key = new UnsafeBuffer(new byte[64]);
    int record = 40;
    for (int length = 0; length <= 40; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      page.setMemory(0, page.capacity(), (byte) 0x33);
      Records.writeHeader(page, record, 0L, 0L, 1L, length, 0, 1);
      page.putBytes(RecordDescriptor.keyOffset(record), bytes);
      key.setMemory(0, key.capacity(), (byte) 0x44);
      key.putBytes(5, bytes);
      assertTrue(Records.keyEquals(page, record, key, 5, length), "length " + length);
      if (length > 0) {
        assertFalse(Records.keyEquals(page, record, key, 5, length - 1), "shorter " + length);
      }
      assertFalse(Records.keyEquals(page, record, key, 5, length + 1), "longer " + length);
      for (int i = 0; i < length; i++) {
        key.putByte(5 + i, (byte) (bytes[i] ^ 0x01));
        assertFalse(Records.keyEquals(page, record, key, 5, length), length + ", byte " + i);
        key.putByte(5 + i, bytes[i]);
      }
    }
  }
}
