package dev.cellar.engine;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * The JVM's direct buffer pool, read once the garbage collector has released every buffer that
 * nothing references any more: that figure is the off-heap memory a bucket really keeps.
 */
final class DirectPool {
  private static final BufferPoolMXBean POOL = find();

  private DirectPool() {}

  /**
   * Bytes in the pool after collecting until it reads {@code expected} (or, for -1, until two
   * readings in a row agree), for at most ten seconds; returns the last reading.
   */
  static long settledBytes(long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long previous = -1;
    while (true) {
      System.gc();
      // The reference handler frees collected buffers shortly after the collection.
      Thread.sleep(20);
      long used = POOL.getMemoryUsed();
      if (used == expected || (expected < 0 && used == previous) || System.nanoTime() > deadline) {
        return used;
      }
      previous = used;
    }
  }

  /** Bytes in the pool now, garbage included. */
  static long rawBytes() {
    return POOL.getMemoryUsed();
  }

  private static BufferPoolMXBean find() {
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        return pool;
      }
    }
    throw new IllegalStateException("the JVM reports no direct buffer pool");
  }
}
