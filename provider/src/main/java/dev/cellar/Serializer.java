package dev.cellar;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns values of one type into bytes and back, straight into and out of Agrona buffers.
 *
 * <p>Keys are compared by their bytes, so a key serializer must write equal keys as equal bytes
 * (and unequal keys as unequal bytes). Implementations must be thread-safe and should be stateless.
 * A failure to write should throw; Cellar reports it as a {@link javax.cache.CacheException} that
 * names the class, before anything is stored.
 *
 * @param <T> the type this serializer handles
 */
public interface Serializer<T> {
  /**
   * Writes {@code value} into {@code buffer} from {@code offset} and returns how many bytes it
   * wrote. The buffer is expandable: writing past its capacity grows it.
   */
  int write(T value, MutableDirectBuffer buffer, int offset);

  /** Reads the value held in {@code length} bytes of {@code buffer} from {@code offset}. */
  T read(DirectBuffer buffer, int offset, int length);
}
