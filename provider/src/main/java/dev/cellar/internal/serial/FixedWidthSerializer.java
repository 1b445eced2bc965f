package dev.cellar.internal.serial;

import dev.cellar.Serializer;
import java.time.DateTimeException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A serializer whose payload always has the same number of bytes. Reading checks the length, so
 * bytes of another encoding fail loudly instead of decoding as garbage.
 *
 * @param <T> the type this serializer handles
 */
final class FixedWidthSerializer<T> implements Serializer<T> {
  /** Writes a value's bytes at an offset. */
  @FunctionalInterface
  interface Put<T> {
    void put(T value, MutableDirectBuffer buffer, int offset);
  }

  /** Reads a value from its bytes at an offset. */
  @FunctionalInterface
  interface Get<T> {
    T get(DirectBuffer buffer, int offset);
  }

  private final String typeName;
  private final int width;
  private final Put<T> put;
  private final Get<T> get;

  FixedWidthSerializer(Class<T> type, int width, Put<T> put, Get<T> get) {
    this.typeName = type.getSimpleName();
    this.width = width;
    this.put = put;
    this.get = get;
  }

  @Override
  public int write(T value, MutableDirectBuffer buffer, int offset) {
    put.put(value, buffer, offset);
    return width;
  }

  @Override
  public T read(DirectBuffer buffer, int offset, int length) {
    SerialFailures.checkLength(typeName, width, length);
    try {
      return get.get(buffer, offset);
    } catch (DateTimeException e) {
      // java.time factories reject out-of-range fields, which only corrupt bytes can hold.
      throw SerialFailures.corrupt(typeName + ": " + e.getMessage());
    }
  }
}
