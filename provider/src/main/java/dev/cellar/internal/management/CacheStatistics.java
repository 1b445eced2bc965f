package dev.cellar.internal.management;

import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * One cache's counters, exposed as the standard statistics MXBean. Counting follows the JCache
 * reference implementation, which the TCK checks exactly: for example a {@code putIfAbsent} that
 * stores counts a miss and a put, one that does not counts a hit. Average times are in
 * microseconds.
 */
public final class CacheStatistics implements CacheStatisticsMXBean {
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder expirations = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();

  /** Counts {@code count} hits. */
  public void hits(long count) {
    hits.add(count);
  }

  /** Counts {@code count} misses. */
  public void misses(long count) {
    misses.add(count);
  }

  /** Counts {@code count} puts. */
  public void puts(long count) {
    puts.add(count);
  }

  /** Counts {@code count} removals. */
  public void removals(long count) {
    removals.add(count);
  }

  /** Counts one capacity eviction. */
  public void eviction() {
    evictions.increment();
  }

  /** Counts one expiration. */
  public void expiration() {
    expirations.increment();
  }

  /** Adds time spent in a get, nanoseconds. */
  public void getTime(long nanos) {
    getNanos.add(nanos);
  }

  /**
   * Counts one read that a JCache operation made of its key: a hit or a miss, and its time.
   *
   * @param hit whether the key had a live value
   * @param nanos the operation's time so far, counted as get time
   */
  public void read(boolean hit, long nanos) {
    if (hit) {
      hits.add(1);
    } else {
      misses.add(1);
    }
    getNanos.add(nanos);
  }

  /** Adds time spent in a put, nanoseconds. */
  public void putTime(long nanos) {
    putNanos.add(nanos);
  }

  /** Adds time spent in a remove, nanoseconds. */
  public void removeTime(long nanos) {
    removeNanos.add(nanos);
  }

  /** Expirations counted (not part of the standard MXBean). */
  public long getCacheExpirations() {
    return expirations.sum();
  }

  @Override
  public void clear() {
    hits.reset();
    misses.reset();
    puts.reset();
    removals.reset();
    evictions.reset();
    expirations.reset();
    getNanos.reset();
    putNanos.reset();
    removeNanos.reset();
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0 : (float) getCacheHits() / gets * 100;
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0 : (float) getCacheMisses() / gets * 100;
  }

  @Override
  public long getCacheGets() {
    return hits.sum() + misses.sum();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override
  public float getAverageGetTime() {
    return average(getNanos.sum(), getCacheGets());
  }

  @Override
  public float getAveragePutTime() {
    return average(putNanos.sum(), getCachePuts());
  }

  @Override
  public float getAverageRemoveTime() {
    return average(removeNanos.sum(), getCacheRemovals());
  }

  private static float average(long nanos, long count) {
    return count == 0 ? 0 : (float) nanos / count / 1000f;
  }
}
