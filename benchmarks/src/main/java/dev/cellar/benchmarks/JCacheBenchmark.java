package dev.cellar.benchmarks;

import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import dev.cellar.CellarConfiguration;
import dev.cellar.engine.OffHeapBucket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.caffinitas.ohc.CacheSerializer;
import org.caffinitas.ohc.OHCache;
import org.caffinitas.ohc.OHCacheBuilder;
import org.ehcache.config.CacheConfiguration;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.jsr107.Eh107Configuration;
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
 * JCache providers side by side: Cellar, Caffeine's JCache module and Ehcache 3 with an off-heap
 * tier, all driven through the same {@code javax.cache.Cache<String, byte[]>} calls, with the same
 * keys, values and access sequences, plus {@code ConcurrentHashMap} with values copied on get and
 * on put (the by-value ceiling: what storing by value costs at the least).
 *
 * <p>Like for like: every JCache contender stores by value (the JCache default), so a get returns a
 * fresh {@code byte[]} and a put keeps a copy of the caller's array. Every get hits: all keys are
 * loaded before the measurement, each contender's size budget holds them all with room to spare,
 * the set-up checks that every key is present, the tear-down that Cellar's bucket evicted nothing,
 * and a get that misses throws. Puts overwrite existing keys.
 *
 * <p>Keys are {@code "user:<hex>"} strings, built once and shared by all threads and contenders, so
 * their {@code hashCode} is cached: the on-heap contenders hash for free, while the off-heap ones
 * serialize the key on every call, which is part of what they cost. Each thread walks its own
 * precomputed, seeded sequence of key numbers ({@link KeySequences}); the 90/10 mixed benchmark
 * also precomputes which steps write.
 *
 * <p>Each contender runs in its own fork (JMH forks per parameter set), so the calls stay
 * monomorphic. Providers are picked by class name, never by {@link Caching#getCachingProvider()},
 * because three of them are on the class path. Run it with {@code benchmarks/run-jcache.sh}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-exports",
      "java.base/jdk.internal.misc=ALL-UNNAMED",
      // 4 GiB of heap holds the on-heap contenders' 1M x 1 KiB (about 1.2 GB live) with room for
      // the garbage that puts make; the off-heap ones need the direct memory instead.
      "-Xms4g",
      "-Xmx4g",
      "-XX:MaxDirectMemorySize=4g"
    })
@State(Scope.Benchmark)
public class JCacheBenchmark {
  /** Cellar's JCache provider. */
  public static final String CELLAR_PROVIDER = "dev.cellar.jcache.CellarCachingProvider";

  /** Caffeine's JCache provider. */
  public static final String CAFFEINE_PROVIDER =
      "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";

  /** Ehcache 3's JCache provider. */
  public static final String EHCACHE_PROVIDER = "org.ehcache.jsr107.EhcacheCachingProvider";

  /** Key numbers per thread sequence; a power of two so the cursor wraps with a mask. */
  static final int SEQUENCE_LENGTH = 1 << 20;

  /** Bytes budgeted per entry beyond the value: key, record header, index slot, with slack. */
  static final long ENTRY_OVERHEAD = 256;

  /** System property that sets Cellar's segment count; unset for the default. */
  static final String SEGMENTS_PROPERTY = "cellar.segments";

  private static final long PERMUTATION_SEED = 0xCE11A5L;
  private static final String CACHE_NAME = "jcache-benchmark";

  /**
   * Who is measured: {@code cellar}, {@code caffeine}, {@code ehcache-offheap}, {@code chm-copy},
   * and {@code ohc}, a raw off-heap map without JCache (a reference row, chiefly for put).
   */
  @Param({"cellar", "caffeine", "ehcache-offheap", "chm-copy", "ohc"})
  public String contender;

  /** Bytes per value. */
  @Param({"100", "1024"})
  public int valueSize;

  /** Entries loaded before the measurement; every get hits one of them. */
  @Param({"100000", "1000000"})
  public int entries;

  /** How keys are chosen: {@code uniform} or {@code zipfian} (exponent 0.99). */
  @Param({"uniform", "zipfian"})
  public String distribution;

  String[] keys = new String[0];
  Store store = new MapStore(1);

  /** Builds the keys, loads every entry into the chosen contender and checks they are all there. */
  @Setup(Level.Trial)
  public void setUp() {
    keys = keys(entries);
    store =
        switch (contender) {
          case "cellar" -> JCacheStore.cellar(budget());
          case "caffeine" -> JCacheStore.caffeine();
          case "ehcache-offheap" -> JCacheStore.ehcacheOffHeap(budget());
          case "chm-copy" -> new MapStore(entries);
          case "ohc" -> new OhcStore(budget());
          default -> throw new IllegalArgumentException("unknown contender " + contender);
        };
    byte[] value = new byte[valueSize];
    for (int i = 0; i < entries; i++) {
      Arrays.fill(value, (byte) i);
      store.put(keys[i], value);
    }
    // A leading line break: JMH has already printed the first iteration's label.
    System.out.println(System.lineSeparator() + check());
  }

  /**
   * Checks, cheaply, that Cellar evicted nothing, then closes the store. No sweep over every key
   * here: JMH runs the trial tear-down inside the last measured iteration, so its CPU time would
   * count against that iteration's ops per CPU-second. Misses cannot hide anyway: a get that misses
   * throws.
   */
  @TearDown(Level.Trial)
  public void tearDown() {
    store.describe();
    store.close();
  }

  /** Gets one key, one thread. */
  @Benchmark
  @Threads(1)
  public byte[] get1Thread(ThreadState thread) {
    return get(thread);
  }

  /** Gets one key, two threads at once (score is their sum). */
  @Benchmark
  @Threads(2)
  public byte[] get2Threads(ThreadState thread) {
    return get(thread);
  }

  /** Overwrites one existing key, one thread. */
  @Benchmark
  @Threads(1)
  public void put1Thread(ThreadState thread) {
    store.put(keys[thread.sequence[thread.step()]], thread.value);
  }

  /** Overwrites one existing key, two threads at once (score is their sum). */
  @Benchmark
  @Threads(2)
  public void put2Threads(ThreadState thread) {
    store.put(keys[thread.sequence[thread.step()]], thread.value);
  }

  /** 90 % gets, 10 % puts (which steps write is precomputed), one thread. */
  @Benchmark
  @Threads(1)
  public Object mixed1Thread(ThreadState thread) {
    return mixed(thread);
  }

  /** 90 % gets, 10 % puts, two threads at once (score is their sum). */
  @Benchmark
  @Threads(2)
  public Object mixed2Threads(ThreadState thread) {
    return mixed(thread);
  }

  private byte[] get(ThreadState thread) {
    String key = keys[thread.sequence[thread.step()]];
    byte[] value = store.get(key);
    if (value == null) {
      // Cheap next to the get, and it keeps a contender from scoring misses as hits.
      throw new IllegalStateException("miss on " + key + " in " + contender);
    }
    return value;
  }

  private Object mixed(ThreadState thread) {
    int step = thread.step();
    String key = keys[thread.sequence[step]];
    if (thread.writes[step]) {
      store.put(key, thread.value);
      return key;
    }
    byte[] value = store.get(key);
    if (value == null) {
      throw new IllegalStateException("miss on " + key + " in " + contender);
    }
    return value;
  }

  /**
   * The size budget for the off-heap contenders: twice the payload plus overhead, at least 64 MiB.
   */
  long budget() {
    return Math.max(64L << 20, 2L * entries * (valueSize + ENTRY_OVERHEAD));
  }

  /**
   * Throws unless every key is present; returns a line that describes the store. Only the keys of
   * this benchmark are ever stored, so an exact entry count equal to {@link #entries} proves it
   * without a sweep; a store that cannot count exactly (Ehcache) is swept with {@code containsKey},
   * the slowest part of a large set-up.
   */
  String check() {
    long present = store.size();
    String how = "counted";
    if (present < 0) {
      how = "swept";
      present = 0;
      for (String key : keys) {
        if (store.containsKey(key)) {
          present++;
        }
      }
    }
    if (present != entries) {
      throw new IllegalStateException(
          contender + " holds " + present + " of " + entries + " keys: an eviction or a lost put");
    }
    return contender
        + ": all "
        + String.format("%,d", entries)
        + " keys present ("
        + how
        + "); "
        + store.describe();
  }

  /** {@code count} distinct keys, {@link #key(int)} of 0 to {@code count - 1}. */
  static String[] keys(int count) {
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = key(i);
    }
    return keys;
  }

  /** Key number {@code i}: {@code "user:"} and the hex of a bijective mix of the number. */
  static String key(int i) {
    return "user:" + Long.toHexString(KeySequences.mix(i));
  }

  /** What each benchmark thread owns: its key sequence, its write steps and its value. */
  @State(Scope.Thread)
  public static class ThreadState {
    int[] sequence = new int[0];
    boolean[] writes = new boolean[0];
    byte[] value = new byte[0];
    int cursor;

    /** Precomputes this thread's sequences; each thread gets its own seed. */
    @Setup(Level.Trial)
    public void setUp(JCacheBenchmark benchmark, ThreadParams params) {
      long seed = 0x5EED_0000L + params.getThreadIndex();
      sequence =
          KeySequences.sequence(
              KeySequences.Distribution.of(benchmark.distribution),
              benchmark.entries,
              SEQUENCE_LENGTH,
              seed,
              PERMUTATION_SEED);
      UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(~seed);
      writes = new boolean[SEQUENCE_LENGTH];
      for (int i = 0; i < SEQUENCE_LENGTH; i++) {
        writes[i] = rng.nextInt(10) == 0;
      }
      value = new byte[benchmark.valueSize];
      Arrays.fill(value, (byte) (0x40 + params.getThreadIndex()));
    }

    /** The next step's index into {@link #sequence} and {@link #writes}. */
    int step() {
      return cursor++ & (SEQUENCE_LENGTH - 1);
    }
  }

  /** One contender, reduced to what the benchmarks call. */
  abstract static class Store {
    /** The value of {@code key} as a fresh array, or {@code null} when absent. */
    abstract byte[] get(String key);

    /** Stores a copy of {@code value} under {@code key}. */
    abstract void put(String key, byte[] value);

    /** Whether {@code key} is present, without counting as an access. */
    abstract boolean containsKey(String key);

    /** Entries held, exactly, or -1 when the store cannot tell without a sweep. */
    abstract long size();

    /** A line about the store's size and settings; throws if the store evicted (cheap to call). */
    abstract String describe();

    /** Frees what the store holds. */
    abstract void close();
  }

  /** A JCache provider's cache; the same calls for Cellar, Caffeine and Ehcache. */
  static final class JCacheStore extends Store {
    private final CachingProvider provider;
    private final CacheManager manager;
    private final Cache<String, byte[]> cache;
    private final String settings;

    private JCacheStore(
        CachingProvider provider,
        CacheManager manager,
        Cache<String, byte[]> cache,
        String settings) {
      this.provider = provider;
      this.manager = manager;
      this.cache = cache;
      this.settings = settings;
    }

    private static CacheManager manager(CachingProvider provider) {
      return provider.getCacheManager(
          provider.getDefaultURI(), JCacheBenchmark.class.getClassLoader());
    }

    /** Cellar with a byte budget that holds every entry; defaults otherwise. */
    static JCacheStore cellar(long maxBytes) {
      CachingProvider provider = Caching.getCachingProvider(CELLAR_PROVIDER);
      CacheManager manager = manager(provider);
      CellarConfiguration<String, byte[]> configuration = new CellarConfiguration<>();
      configuration.setTypes(String.class, byte[].class);
      configuration.setMaxBytes(maxBytes);
      // -Dcellar.segments=N (N a power of two) compares segment counts within one build.
      configuration.setSegments(Integer.getInteger(SEGMENTS_PROPERTY, 0));
      Cache<String, byte[]> cache = manager.createCache(CACHE_NAME, configuration);
      return new JCacheStore(
          provider,
          manager,
          cache,
          "maxBytes "
              + maxBytes
              + ", segments "
              + cache.unwrap(dev.cellar.engine.OffHeapBucket.class).config().segments());
    }

    /** Caffeine's JCache, unbounded (its default), store by value (the JCache default). */
    static JCacheStore caffeine() {
      CachingProvider provider = Caching.getCachingProvider(CAFFEINE_PROVIDER);
      CacheManager manager = manager(provider);
      MutableConfiguration<String, byte[]> configuration =
          new MutableConfiguration<String, byte[]>().setTypes(String.class, byte[].class);
      Cache<String, byte[]> cache = manager.createCache(CACHE_NAME, configuration);
      return new JCacheStore(provider, manager, cache, "unbounded, store by value");
    }

    /** Caffeine's JCache bounded to {@code maximumSize} entries, store by value. */
    static JCacheStore caffeine(long maximumSize) {
      CachingProvider provider = Caching.getCachingProvider(CAFFEINE_PROVIDER);
      CacheManager manager = manager(provider);
      CaffeineConfiguration<String, byte[]> configuration = new CaffeineConfiguration<>();
      configuration.setTypes(String.class, byte[].class);
      configuration.setMaximumSize(OptionalLong.of(maximumSize));
      Cache<String, byte[]> cache = manager.createCache(CACHE_NAME, configuration);
      return new JCacheStore(provider, manager, cache, "maximum size " + maximumSize);
    }

    /** Ehcache with an off-heap tier only, configured through Ehcache's own builders. */
    static JCacheStore ehcacheOffHeap(long bytes) {
      CachingProvider provider = Caching.getCachingProvider(EHCACHE_PROVIDER);
      CacheManager manager = manager(provider);
      long megabytes = (bytes + (1L << 20) - 1) >> 20;
      CacheConfiguration<String, byte[]> configuration =
          CacheConfigurationBuilder.newCacheConfigurationBuilder(
                  String.class,
                  byte[].class,
                  ResourcePoolsBuilder.newResourcePoolsBuilder().offheap(megabytes, MemoryUnit.MB))
              .build();
      Cache<String, byte[]> cache =
          manager.createCache(
              CACHE_NAME, Eh107Configuration.fromEhcacheCacheConfiguration(configuration));
      return new JCacheStore(provider, manager, cache, "off-heap only, " + megabytes + " MB");
    }

    /** The JCache cache behind this store. */
    Cache<String, byte[]> cache() {
      return cache;
    }

    @Override
    byte[] get(String key) {
      return cache.get(key);
    }

    @Override
    void put(String key, byte[] value) {
      cache.put(key, value);
    }

    @Override
    boolean containsKey(String key) {
      return cache.containsKey(key);
    }

    @Override
    long size() {
      return switch (provider.getClass().getName()) {
        case CELLAR_PROVIDER -> cache.unwrap(OffHeapBucket.class).entryCount();
        // Unbounded, so its estimate is the backing map's exact count once the loading is done.
        case CAFFEINE_PROVIDER ->
            cache.unwrap(com.github.benmanes.caffeine.cache.Cache.class).estimatedSize();
        default -> -1;
      };
    }

    @Override
    String describe() {
      if (provider.getClass().getName().equals(CELLAR_PROVIDER)) {
        // Cellar also says whether its bucket evicted: it must not, or gets could have missed.
        OffHeapBucket bucket = cache.unwrap(OffHeapBucket.class);
        if (bucket.evictions() != 0) {
          throw new IllegalStateException("cellar evicted " + bucket.evictions() + " entries");
        }
        return String.format(
            "%s; %,d entries, %,d bytes in use, %d evictions",
            settings, bucket.entryCount(), bucket.bytesInUse(), bucket.evictions());
      }
      return settings;
    }

    @Override
    void close() {
      manager.close();
      provider.close();
    }
  }

  /**
   * OHC ({@code org.caffinitas.ohc}), an off-heap hash map with no JCache layer: keys as UTF-8,
   * values as they are, its default segments and LRU eviction, capacity the same budget as
   * Cellar's.
   */
  static final class OhcStore extends Store {
    private final OHCache<String, byte[]> cache;
    private final long capacity;

    OhcStore(long capacity) {
      this.capacity = capacity;
      this.cache =
          OHCacheBuilder.<String, byte[]>newBuilder()
              .keySerializer(new StringSerializer())
              .valueSerializer(new BytesSerializer())
              .capacity(capacity)
              .build();
    }

    @Override
    byte[] get(String key) {
      return cache.get(key);
    }

    @Override
    void put(String key, byte[] value) {
      cache.put(key, value);
    }

    @Override
    boolean containsKey(String key) {
      return cache.containsKey(key);
    }

    @Override
    long size() {
      return cache.size();
    }

    @Override
    String describe() {
      if (cache.stats().getEvictionCount() != 0) {
        throw new IllegalStateException("ohc evicted " + cache.stats().getEvictionCount());
      }
      return String.format(
          "capacity %,d, %,d entries, %,d bytes free",
          capacity, cache.size(), cache.freeCapacity());
    }

    @Override
    void close() {
      try {
        cache.close();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** A string's UTF-8 bytes, length first (the benchmark's keys are ASCII). */
    static final class StringSerializer implements CacheSerializer<String> {
      @Override
      public void serialize(String value, ByteBuffer buffer) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buffer.putInt(bytes.length).put(bytes);
      }

      @Override
      public String deserialize(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
      }

      @Override
      public int serializedSize(String value) {
        return Integer.BYTES + value.getBytes(StandardCharsets.UTF_8).length;
      }
    }

    /** A byte array as it is, length first; a read returns a new array. */
    static final class BytesSerializer implements CacheSerializer<byte[]> {
      @Override
      public void serialize(byte[] value, ByteBuffer buffer) {
        buffer.putInt(value.length).put(value);
      }

      @Override
      public byte[] deserialize(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return bytes;
      }

      @Override
      public int serializedSize(byte[] value) {
        return Integer.BYTES + value.length;
      }
    }
  }

  /** The by-value ceiling: a concurrent hash map that copies the value on put and on get. */
  static final class MapStore extends Store {
    private final ConcurrentHashMap<String, byte[]> map;

    MapStore(int entries) {
      map = new ConcurrentHashMap<>(entries);
    }

    @Override
    byte[] get(String key) {
      byte[] value = map.get(key);
      return value == null ? null : value.clone();
    }

    @Override
    void put(String key, byte[] value) {
      map.put(key, value.clone());
    }

    @Override
    boolean containsKey(String key) {
      return map.containsKey(key);
    }

    @Override
    long size() {
      return map.size();
    }

    @Override
    String describe() {
      return String.format("%,d entries, copy on put and get", map.size());
    }

    @Override
    void close() {
      map.clear();
    }
  }
}
