package dev.cellar.engine.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One segment's share of the bucket's byte budget, and the bucket-wide total it reports into.
 * Reservations happen under the segment's write lock; the total is read by anyone.
 */
public final class MemoryBudget {
  private final AtomicLong bucketTotal;
  private long limit;
  private long used;

  /** A budget of {@code limit} bytes whose use is also added to {@code bucketTotal}. */
  public MemoryBudget(long limit, AtomicLong bucketTotal) {
    this.limit = limit;
    this.bucketTotal = bucketTotal;
  }

  /** Takes {@code bytes} if they fit. */
  public boolean tryReserve(long bytes) {
    if (used + bytes > limit) {
      return false;
    }
    used += bytes;
    bucketTotal.addAndGet(bytes);
    return true;
  }

  /** Gives back {@code bytes}. */
  public void release(long bytes) {
    used -= bytes;
    bucketTotal.addAndGet(-bytes);
  }

  /** True when {@code bytes} more would fit. */
  public boolean fits(long bytes) {
    return used + bytes <= limit;
  }

  /**
   * The JVM's direct memory ran out below this budget: from now on the segment treats what it holds
   * as its limit, so it evicts rather than fails.
   */
  public void capAtCurrentUse() {
    limit = Math.min(limit, used);
  }

  /** Bytes in use. */
  public long used() {
    return used;
  }

  /** Bytes this segment may use. */
  public long limit() {
    return limit;
  }
}
