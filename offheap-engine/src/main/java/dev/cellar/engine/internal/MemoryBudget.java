package dev.cellar.engine.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One segment's share of the bucket's byte budget, and the bucket-wide totals it reports into.
 * Reserved bytes are all the direct memory the segment holds; of those, parked bytes sit in free
 * pages kept for reuse and hold no data, so they count as reserved but not as in use. Changes
 * happen under the segment's write lock; the totals are read by anyone.
 */
public final class MemoryBudget {
  private final AtomicLong bucketInUse;
  private final AtomicLong bucketReserved;
  private long limit;
  private long used;

  /** A budget of {@code limit} bytes that reports into the bucket's two totals. */
  public MemoryBudget(long limit, AtomicLong bucketInUse, AtomicLong bucketReserved) {
    this.limit = limit;
    this.bucketInUse = bucketInUse;
    this.bucketReserved = bucketReserved;
  }

  /** Takes {@code bytes} if they fit. */
  public boolean tryReserve(long bytes) {
    if (used + bytes > limit) {
      return false;
    }
    used += bytes;
    bucketInUse.addAndGet(bytes);
    bucketReserved.addAndGet(bytes);
    return true;
  }

  /** Gives back {@code bytes} that were in use. */
  public void release(long bytes) {
    used -= bytes;
    bucketInUse.addAndGet(-bytes);
    bucketReserved.addAndGet(-bytes);
  }

  /** {@code bytes} in use now sit in a free page kept for reuse: reserved, no longer in use. */
  public void park(long bytes) {
    bucketInUse.addAndGet(-bytes);
  }

  /** A parked free page of {@code bytes} is in use again. */
  public void unpark(long bytes) {
    bucketInUse.addAndGet(bytes);
  }

  /** Gives back {@code bytes} that were parked. */
  public void releaseParked(long bytes) {
    used -= bytes;
    bucketReserved.addAndGet(-bytes);
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

  /** Bytes reserved, parked ones included. */
  public long used() {
    return used;
  }

  /** Bytes this segment may use. */
  public long limit() {
    return limit;
  }
}
