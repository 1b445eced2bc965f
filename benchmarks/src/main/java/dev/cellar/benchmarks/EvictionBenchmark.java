package dev.cellar.benchmarks;

import dev.cellar.benchmarks.JCacheBenchmark.JCacheStore;
import dev.cellar.benchmarks.JCacheBenchmark.OhcStore;
import dev.cellar.benchmarks.JCacheBenchmark.Store;
import dev.cellar.engine.OffHeapBucket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A full cache: the cache-aside pattern (get; on a miss, put) over twice as many keys as the cache
 * is sized for, so that about every other get misses and every miss stores a value and evicts
 * another. {@link JCacheBenchmark} keeps every entry (its puts overwrite); this is the steady state
 * of most caches in production, where the eviction path runs on every write.
 *
 * <p>Contenders as in {@link JCacheBenchmark}, all bounded: Cellar, Ehcache's off-heap tier and OHC
 * by the same byte budget ({@link #BUDGET_PER_ENTRY} beyond the value, per entry sized for),
 * Caffeine's JCache by entry count ({@code CaffeineConfiguration.setMaximumSize}). Byte budgets
 * hold different numbers of entries per contender, and each contender evicts by its own policy
 * (Cellar CLOCK, Caffeine W-TinyLFU, Ehcache its clock, OHC LRU), so the hit ratio differs as well
 * as the speed: the auxiliary counters {@code hits} and {@code misses} give it, and the tear-down
 * prints the entries each holds at the end. {@link HitRatios} drives every contender through the
 * same trace, untimed, for hit ratios that do not depend on how far each got.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-exports",
      "java.base/jdk.internal.misc=ALL-UNNAMED",
      "-Xms2g",
      "-Xmx2g",
      "-XX:MaxDirectMemorySize=2g"
    })
@State(Scope.Benchmark)
public class EvictionBenchmark {
  /** Bytes of byte budget per entry the cache is sized for, beyond the value. */
  static final long BUDGET_PER_ENTRY = 128;

  /**
   * Steps in each thread's key sequence: more than the fastest contender takes in the run, so the
   * sequence does not repeat. A repeating one (as {@link JCacheBenchmark#SEQUENCE_LENGTH}'s 2^20
   * did here) favours a frequency-aware policy: it learns the loop, and Caffeine then hit 96.5 % of
   * Zipfian gets where it hits 92.5 % of a trace that does not repeat ({@link HitRatios}).
   */
  static final int SEQUENCE_LENGTH = 1 << 25;

  private static final long PERMUTATION_SEED = 0xE71C7L;

  /** Who is measured: {@code cellar}, {@code caffeine}, {@code ehcache-offheap}, {@code ohc}. */
  @Param({"cellar", "caffeine", "ehcache-offheap", "ohc"})
  public String contender;

  /** Bytes per value. */
  @Param({"100"})
  public int valueSize;

  /** Entries the cache is sized for; the keys are twice as many. */
  @Param({"100000"})
  public int capacity;

  /** How keys are chosen: {@code uniform} or {@code zipfian} (exponent 0.99). */
  @Param({"uniform", "zipfian"})
  public String distribution;

  String[] keys = new String[0];
  Store store = new JCacheBenchmark.MapStore(1);

  /** Builds the keys and fills the cache by writing every key once, so it starts full. */
  @Setup(Level.Trial)
  public void setUp() {
    keys = JCacheBenchmark.keys(2 * capacity);
    store = boundedStore(contender, capacity, valueSize);
    byte[] value = new byte[valueSize];
    for (int i = 0; i < keys.length; i++) {
      Arrays.fill(value, (byte) i);
      store.put(keys[i], value);
    }
  }

  /**
   * A fresh cache of {@code contender} sized for {@code capacity} entries of {@code valueSize}
   * bytes: by entry count for Caffeine, by the byte budget {@code capacity * (valueSize +} {@link
   * #BUDGET_PER_ENTRY}{@code )} for the others.
   */
  static Store boundedStore(String contender, int capacity, int valueSize) {
    long budget = capacity * (valueSize + BUDGET_PER_ENTRY);
    return switch (contender) {
      case "cellar" -> JCacheStore.cellar(budget);
      case "caffeine" -> JCacheStore.caffeine(capacity);
      case "ehcache-offheap" -> JCacheStore.ehcacheOffHeap(budget);
      case "ohc" -> new OhcStore(budget);
      default -> throw new IllegalArgumentException("unknown contender " + contender);
    };
  }

  /** Prints how many entries the cache holds (to compare hit ratios), then closes it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println(
        System.lineSeparator() + contender + ", " + distribution + ": " + held() + " at the end");
    store.close();
  }

  private String held() {
    if (store instanceof JCacheStore jcache) {
      Cache<String, byte[]> cache = jcache.cache();
      if (contender.equals("cellar")) {
        OffHeapBucket bucket = cache.unwrap(OffHeapBucket.class);
        return String.format(
            "%,d entries, %,d evictions, %,d of %,d bytes in use",
            bucket.entryCount(),
            bucket.evictions(),
            bucket.bytesInUse(),
            bucket.config().maxBytes());
      }
      if (contender.equals("caffeine")) {
        return String.format(
            "%,d entries",
            cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).estimatedSize());
      }
      return "entries not counted (no exact count without a sweep)";
    }
    return String.format("%,d entries", store.size());
  }

  /** Get; on a miss, put (which evicts): one thread. */
  @Benchmark
  @Threads(1)
  public byte[] getOrPut1Thread(ThreadState thread, Outcomes outcomes) {
    String key = keys[thread.sequence[thread.step()]];
    byte[] value = store.get(key);
    if (value != null) {
      outcomes.hits++;
      return value;
    }
    outcomes.misses++;
    store.put(key, thread.value);
    return thread.value;
  }

  /** Hits and misses per iteration, reported by JMH as rates beside the score. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Outcomes {
    /** Gets that found a value. */
    public long hits;

    /** Gets that found none, each followed by a put. */
    public long misses;

    /** Starts each iteration from zero. */
    @Setup(Level.Iteration)
    public void reset() {
      hits = 0;
      misses = 0;
    }
  }

  /** What each benchmark thread owns: its key sequence over all the keys, and its value. */
  @State(Scope.Thread)
  public static class ThreadState {
    int[] sequence = new int[0];
    byte[] value = new byte[0];
    int cursor;

    /** Precomputes this thread's sequence; each thread gets its own seed. */
    @Setup(Level.Trial)
    public void setUp(EvictionBenchmark benchmark, ThreadParams params) {
      sequence =
          KeySequences.sequence(
              KeySequences.Distribution.of(benchmark.distribution),
              benchmark.keys.length,
              SEQUENCE_LENGTH,
              0xE5EED_0000L + params.getThreadIndex(),
              PERMUTATION_SEED);
      value = new byte[benchmark.valueSize];
      Arrays.fill(value, (byte) (0x60 + params.getThreadIndex()));
    }

    int step() {
      return cursor++ & (SEQUENCE_LENGTH - 1);
    }
  }
}
