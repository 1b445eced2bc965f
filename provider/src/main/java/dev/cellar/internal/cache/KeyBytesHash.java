package dev.cellar.internal.cache;

import org.agrona.DirectBuffer;

/**
 * A well-mixed 32-bit hash of a key's encoded bytes, eight at a time, for the provider's own
 * striping (the near tier's epochs, the key locks, the event lanes). It is not the engine's hash
 * and need not agree with it; it only has to give equal bytes equal hashes within one JVM.
 */
public final class KeyBytesHash {
  private static final long SEED = 0x9E3779B97F4A7C15L;
  private static final long MIX1 = 0xBF58476D1CE4E5B9L;
  private static final long MIX2 = 0x94D049BB133111EBL;

  private KeyBytesHash() {}

  /** The hash of {@code length} bytes of {@code buffer} from {@code offset}. */
  public static int hash(DirectBuffer buffer, int offset, int length) {
    long h = SEED ^ length;
    int i = 0;
    for (; i + Long.BYTES <= length; i += Long.BYTES) {
      h = (h ^ buffer.getLong(offset + i)) * MIX1;
      h ^= h >>> 31;
    }
    for (; i < length; i++) {
      h = (h ^ buffer.getByte(offset + i)) * MIX2;
    }
    h ^= h >>> 29;
    h *= MIX1;
    h ^= h >>> 32;
    return (int) h;
  }
}
