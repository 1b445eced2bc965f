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
}
