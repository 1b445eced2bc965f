package dev.cellar.engine.internal;

import java.nio.ByteBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Where every off-heap byte comes from: 64-byte aligned direct buffers, released by dropping the
 * last reference. {@link #cost(int)} is what the JVM's direct buffer pool counts for one.
 */
public final class DirectMemory {
  /** Alignment of every buffer; one cache line. */
  public static final int ALIGNMENT = 64;

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
    try {
      ByteBuffer buffer = BufferUtil.allocateDirectAligned(capacity, ALIGNMENT);
      return new UnsafeBuffer(buffer);
    } catch (OutOfMemoryError e) {
      return null;
    }
  }
}
