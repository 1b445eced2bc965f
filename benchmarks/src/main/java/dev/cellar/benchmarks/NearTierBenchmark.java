package dev.cellar.benchmarks;

import dev.cellar.CellarConfiguration;
import dev.cellar.jcache.CellarCache;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
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
 * The near tier's figure: gets of {@code String} values through {@code javax.cache.Cache}, Cellar
 * without and with its near tier, and Caffeine's JCache as the peer (which returns a {@code String}
 * as it is, since it copies only mutable values). Every get hits; the near tier holds a tenth of
 * the keys, so under Zipfian keys it serves most reads and under uniform ones few. Run it with
 * {@code benchmarks/run-near.sh}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
@State(Scope.Benchmark)
public class NearTierBenchmark {
  private static final String CACHE_NAME = "near-tier-benchmark";
  private static final long PERMUTATION_SEED = 0xCE11A5L;

  /** {@code cellar} (no near tier), {@code cellar-near}, or {@code caffeine}. */
  @Param({"cellar", "cellar-near", "caffeine"})
  public String contender;

  /** Entries loaded; the near tier holds a tenth of them. */
  @Param({"100000"})
  public int entries;

  /** The near tier's size as a percentage of the entries. */
  @Param({"10"})
  public int nearPercent;

  /** Characters per value. */
  @Param({"100"})
  public int valueLength;

  /** How keys are chosen: {@code zipfian} (exponent 0.99) or {@code uniform}. */
  @Param({"zipfian", "uniform"})
  public String distribution;

  String[] keys = new String[0];

  // Set in setUp, before any benchmark method runs.
  @SuppressWarnings("NullAway.Init")
  Cache<String, String> cache;

  @SuppressWarnings("NullAway.Init")
  CachingProvider provider;

  /** Loads every entry and reads each once, so the near tier starts warm like a running cache. */
  @Setup(Level.Trial)
  public void setUp() {
    keys = JCacheBenchmark.keys(entries);
    String provided =
        contender.startsWith("cellar")
            ? JCacheBenchmark.CELLAR_PROVIDER
            : JCacheBenchmark.CAFFEINE_PROVIDER;
    provider = Caching.getCachingProvider(provided);
    CacheManager manager =
        provider.getCacheManager(
            provider.getDefaultURI(), NearTierBenchmark.class.getClassLoader());
    MutableConfiguration<String, String> configuration =
        switch (contender) {
          case "cellar" -> new CellarConfiguration<String, String>().setMaxBytes(256L << 20);
          case "cellar-near" ->
              new CellarConfiguration<String, String>()
                  .setMaxBytes(256L << 20)
                  .setNearCacheSize(Math.max(1L, (long) entries * nearPercent / 100));
          case "caffeine" -> new MutableConfiguration<>();
          default -> throw new IllegalArgumentException("unknown contender " + contender);
        };
    configuration.setTypes(String.class, String.class);
    cache = manager.createCache(CACHE_NAME, configuration);
    String padding = "v".repeat(valueLength - 8);
    for (int i = 0; i < entries; i++) {
      cache.put(keys[i], padding + String.format("%08x", i));
    }
    for (String key : keys) {
      if (cache.get(key) == null) {
        throw new IllegalStateException(contender + " lost " + key);
      }
    }
  }

  /** Reports how many reads the near tier served, then closes the provider. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (contender.equals("cellar-near")) {
      System.out.printf(
          "%ncellar-near: %,d near hits, %,d values held%n",
          cache.unwrap(CellarCache.class).nearHits(), cache.unwrap(CellarCache.class).nearSize());
    }
    provider.close();
  }

  /** Gets one key, one thread. */
  @Benchmark
  @Threads(1)
  public String get1Thread(ThreadState thread) {
    String key = keys[thread.sequence[thread.step()]];
    String value = cache.get(key);
    if (value == null) {
      throw new IllegalStateException("miss on " + key + " in " + contender);
    }
    return value;
  }

  /** Each thread's own seeded key sequence. */
  @State(Scope.Thread)
  public static class ThreadState {
    int[] sequence = new int[0];
    int cursor;

    /** Precomputes this thread's sequence. */
    @Setup(Level.Trial)
    public void setUp(NearTierBenchmark benchmark, ThreadParams params) {
      sequence =
          KeySequences.sequence(
              KeySequences.Distribution.of(benchmark.distribution),
              benchmark.entries,
              JCacheBenchmark.SEQUENCE_LENGTH,
              0x5EED_0000L + params.getThreadIndex(),
              PERMUTATION_SEED);
    }

    int step() {
      return cursor++ & (JCacheBenchmark.SEQUENCE_LENGTH - 1);
    }
  }
}
