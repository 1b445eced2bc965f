package dev.cellar.engine.internal;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * A fast 32-bit hash of key bytes, eight bytes per step, with a full avalanche at the end so that
 * both the high bits (segment routing) and the low bits (slot) are well mixed.
 */
public final class KeyHash {
  private static final long M1 = 0x9E3779B97F4A7C15L;
  private static final long M2 = 0xBF58476D1CE4E5B9L;
  private static final long M3 = 0x94D049BB133111EBL;

  private KeyHash() {}

  /** The hash of {@code length} bytes of {@code buffer} from {@code offset}. */
  public static int hash(DirectBuffer buffer, int offset, int length) {
    long h = M1 ^ (length * M2);
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      h = Long.rotateLeft(h ^ (buffer.getLong(offset + i, ByteOrder.LITTLE_ENDIAN) * M2), 31) * M1;
    }
    if (i < length) {
      h = Long.rotateLeft(h ^ (tail(buffer, offset, length, length - i) * M2), 31) * M1;
    }
    h = (h ^ (h >>> 30)) * M2;
    h = (h ^ (h >>> 27)) * M3;
    h ^= h >>> 31;
    return (int) (h ^ (h >>> 32));
  }

  /**
   * The last {@code count} (1 to 7) bytes of the key as a little-endian number. Keys are rarely a
   * multiple of eight bytes, and reading the tail byte by byte (each read bounds-checked) cost as
   * much as the rest of the hash: a key of eight bytes or more gives its tail in one read of its
   * last eight bytes, shifted; a shorter one in two overlapping reads of four.
   */
  private static long tail(DirectBuffer buffer, int offset, int length, int count) {
    if (length >= 8) {
      return buffer.getLong(offset + length - 8, ByteOrder.LITTLE_ENDIAN) >>> ((8 - count) << 3);
    }
    if (length >= 4) {
      long low = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
      long high = buffer.getInt(offset + length - 4, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
      return low | ((high >>> ((8 - length) << 3)) << 32);
    }
    long tail = 0;
    for (int j = length - 1; j >= 0; j--) {
      tail = (tail << 8) | (buffer.getByte(offset + j) & 0xFFL);
    }
    return tail;
  }
}
