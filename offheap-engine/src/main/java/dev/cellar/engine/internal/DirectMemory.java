package dev.cellar.engine.internal;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Where every off-heap byte comes from: 64-byte aligned direct buffers. Most are released by
 * dropping the last reference, because an optimistic reader may still hold them; a buffer that no
 * reader without the lock can ever reach is freed at once with {@link #free}. {@link #cost(int)} is
 * what the JVM's direct buffer pool counts for one.
 */
public final class DirectMemory {
  /** Alignment of every buffer; one cache line. */
  public static final int ALIGNMENT = 64;

  private static final byte[] FREED = new byte[0];

  private DirectMemory() {}

  /** Bytes the JVM reserves for a buffer of {@code capacity} bytes. */
  public static long cost(int capacity) {
    return (long) capacity + ALIGNMENT;
  }

  /**
   * A zeroed, aligned buffer of {@code capacity} bytes, or {@code null} when the JVM's direct
   * memory is exhausted (the caller then evicts instead of failing).
   */
  public static @Nullable UnsafeBuffer allocate(int capacity) {
    ByteBuffer whole;
    try {
      whole = ByteBuffer.allocateDirect(capacity + ALIGNMENT);
    } catch (OutOfMemoryError e) {
      return null;
    }
    // The buffer wraps the whole allocation at an aligned offset, rather than an aligned slice of
    // it (as BufferUtil.allocateDirectAligned returns): only the whole one can be freed by free.
    long address = BufferUtil.address(whole);
    int shift = (int) (-address & (ALIGNMENT - 1));
    return new UnsafeBuffer(whole, shift, capacity);
  }

  /**
   * Returns the memory of a buffer from {@link #allocate} to the system at once and points the
   * buffer at an empty heap array, so that a use it should never see fails a bounds check instead
   * of reading freed memory. The caller guarantees that no other thread can reach the buffer: it
   * must never have been visible to a reader that holds no lock.
   */
  public static void free(UnsafeBuffer buffer) {
    ByteBuffer whole = buffer.byteBuffer();
    if (whole == null || !whole.isDirect()) {
      throw new IllegalArgumentException("not a buffer from DirectMemory.allocate");
    }
    buffer.wrap(FREED);
    BufferUtil.free(whole);
  }
}
