package dev.cellar.benchmarks;

import dev.cellar.engine.BucketConfig;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.engine.RecordInfo;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
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
 * The off-heap engine alone against {@code ConcurrentHashMap<ByteBuffer, byte[]>}: get and put of
 * 16-byte keys and 100-byte values over a million entries, uniform and Zipfian (0.99) keys, one and
 * two threads.
 *
 * <p>Like for like: both contenders store by value. A get copies the value into a per-thread buffer
 * (the engine into an {@link UnsafeBuffer}, the map by {@code System.arraycopy} into a {@code
 * byte[]}); a put hands over a fresh copy of the value (the engine copies into its pages, the map
 * gets a cloned array). Every get hits: all keys are loaded before the measurement and the bucket's
 * budget (512 MiB) holds them all, which the tear-down checks (no eviction, no missing entry).
 *
 * <p>Key choice costs one array read: each thread walks its own precomputed, seeded sequence of key
 * numbers (see {@link KeySequences}); the key bytes are one shared array that the engine reads in
 * place and the map reads through a per-thread {@link ByteBuffer} window.
 *
 * <p>Run it with {@code benchmarks/run-engine.sh}, or {@code java -jar benchmarks/target/
 * benchmarks.jar EngineBenchmark -prof gc}. The score of a two-thread method is the sum over both
 * threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-exports",
      "java.base/jdk.internal.misc=ALL-UNNAMED",
      "-Xms2g",
      "-Xmx2g",
      "-XX:MaxDirectMemorySize=1g"
    })
@State(Scope.Benchmark)
public class EngineBenchmark {
  /** Bytes per key. */
  public static final int KEY_LENGTH = 16;

  /** Bytes per value. */
  public static final int VALUE_LENGTH = 100;

  /** The engine's byte budget: room for every entry with slack, so nothing is evicted. */
  public static final long MAX_BYTES = 512L << 20;

  /** Key numbers per thread sequence; a power of two so the cursor wraps with a mask. */
  static final int SEQUENCE_LENGTH = 1 << 20;

  private static final long PERMUTATION_SEED = 0xCE11A5L;

  /** Who is measured: {@code cellar} (the engine) or {@code chm} (the map). */
  @Param({"cellar", "chm"})
  public String contender;

  /** How keys are chosen: {@code uniform} or {@code zipfian}. */
  @Param({"uniform", "zipfian"})
  public String distribution;

  /** Entries loaded before the measurement; every get hits one of them. */
  @Param({"1000000"})
  public int entries;

  Contender store;
  byte[] keyBytes;

  /** Builds the keys and loads every entry into the chosen contender. */
  @Setup(Level.Trial)
  public void setUp() {
    keyBytes = KeySequences.keyBytes(entries, KEY_LENGTH);
    store =
        switch (contender) {
          case "cellar" -> new CellarContender(keyBytes);
          case "chm" -> new MapContender(keyBytes, entries);
          default -> throw new IllegalArgumentException("unknown contender " + contender);
        };
    byte[] value = new byte[VALUE_LENGTH];
    for (int i = 0; i < entries; i++) {
      Arrays.fill(value, (byte) i);
      store.load(i, value);
    }
    // A leading line break: JMH has already printed the first iteration's label.
    System.out.println(System.lineSeparator() + store.check(entries));
  }

  /** Checks that every entry is still there, so no get measured a miss, then frees the store. */
  @TearDown(Level.Trial)
  public void tearDown() {
    store.check(entries);
    store.close();
  }

  /** Gets one key, one thread. */
  @Benchmark
  @Threads(1)
  public int get1Thread(ThreadState thread) {
    return store.get(thread.next(), thread);
  }

  /** Gets one key, two threads at once (score is their sum). */
  @Benchmark
  @Threads(2)
  public int get2Threads(ThreadState thread) {
    return store.get(thread.next(), thread);
  }

  /** Overwrites one existing key, one thread. */
  @Benchmark
  @Threads(1)
  public long put1Thread(ThreadState thread) {
    return store.put(thread.next(), thread);
  }

  /** Overwrites one existing key, two threads at once (score is their sum). */
  @Benchmark
  @Threads(2)
  public long put2Threads(ThreadState thread) {
    return store.put(thread.next(), thread);
  }

  /** What each benchmark thread owns: its key sequence and reusable buffers. */
  @State(Scope.Thread)
  public static class ThreadState {
    int[] sequence;
    int cursor;
    final byte[] valueOut = new byte[VALUE_LENGTH];
    final UnsafeBuffer valueOutBuffer = new UnsafeBuffer(valueOut);
    final byte[] valueIn = new byte[VALUE_LENGTH];
    final UnsafeBuffer valueInBuffer = new UnsafeBuffer(valueIn);
    final RecordInfo info = new RecordInfo();
    ByteBuffer probe;
    UnsafeBuffer keys;

    /** Precomputes this thread's key sequence; each thread gets its own seed. */
    @Setup(Level.Trial)
    public void setUp(EngineBenchmark benchmark, ThreadParams params) {
      long seed = 0x5EED_0000L + params.getThreadIndex();
      sequence =
          KeySequences.sequence(
              KeySequences.Distribution.of(benchmark.distribution),
              benchmark.entries,
              SEQUENCE_LENGTH,
              seed,
              PERMUTATION_SEED);
      Arrays.fill(valueIn, (byte) (0x40 + params.getThreadIndex()));
      keys = new UnsafeBuffer(benchmark.keyBytes);
      probe = ByteBuffer.wrap(benchmark.keyBytes);
    }

    /** The next key number. */
    int next() {
      return sequence[cursor++ & (SEQUENCE_LENGTH - 1)];
    }

    /** The map's lookup key for key {@code index}: a window on the shared key bytes. */
    ByteBuffer probe(int index) {
      int offset = index * KEY_LENGTH;
      // limit before position: whatever the old window, each call stays within bounds.
      probe.limit(offset + KEY_LENGTH).position(offset);
      return probe;
    }
  }

  /** One store under test. A fork measures one contender only, so its calls stay monomorphic. */
  abstract static class Contender {
    /** Stores key {@code index} with {@code value}, before the measurement. */
    abstract void load(int index, byte[] value);

    /** Copies the value of key {@code index} into the thread's buffer; returns its length. */
    abstract int get(int index, ThreadState thread);

    /** Overwrites key {@code index} with the thread's value. */
    abstract long put(int index, ThreadState thread);

    /**
     * Throws unless exactly {@code entries} entries are present and none were lost; returns a line
     * that describes the store.
     */
    abstract String check(int entries);

    /** Frees what the store holds. */
    void close() {}
  }

  /** The engine: one bucket, default segments and history depth, no expiry. */
  static final class CellarContender extends Contender {
    private final OffHeapBucket bucket =
        new OffHeapBucket(BucketConfig.builder().maxBytes(MAX_BYTES).build());
    private final UnsafeBuffer keys;
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_LENGTH]);

    CellarContender(byte[] keyBytes) {
      this.keys = new UnsafeBuffer(keyBytes);
    }

    @Override
    void load(int index, byte[] bytes) {
      value.putBytes(0, bytes);
      bucket.put(keys, index * KEY_LENGTH, KEY_LENGTH, value, 0, VALUE_LENGTH, 0L);
    }

    @Override
    int get(int index, ThreadState thread) {
      return bucket.get(
          thread.keys, index * KEY_LENGTH, KEY_LENGTH, thread.valueOutBuffer, 0, thread.info);
    }

    @Override
    long put(int index, ThreadState thread) {
      return bucket.put(
          thread.keys, index * KEY_LENGTH, KEY_LENGTH, thread.valueInBuffer, 0, VALUE_LENGTH, 0L);
    }

    @Override
    String check(int entries) {
      long count = bucket.entryCount();
      if (count != entries || bucket.evictions() != 0 || bucket.bytesInUse() > MAX_BYTES) {
        throw new IllegalStateException(
            "cellar holds "
                + count
                + " of "
                + entries
                + " entries after "
                + bucket.evictions()
                + " evictions; "
                + bucket.bytesInUse()
                + " of "
                + MAX_BYTES
                + " bytes in use");
      }
      return String.format(
          "cellar: %,d entries, %,d records, %,d of %,d bytes in use (%.0f%%), "
              + "%d evictions, revision %,d, %s",
          count,
          bucket.recordCount(),
          bucket.bytesInUse(),
          MAX_BYTES,
          100.0 * bucket.bytesInUse() / MAX_BYTES,
          bucket.evictions(),
          bucket.revision(),
          bucket.config());
    }

    @Override
    void close() {
      bucket.close();
    }
  }

  /** The on-heap ceiling: a concurrent hash map of byte-buffer keys, values copied both ways. */
  static final class MapContender extends Contender {
    private final ConcurrentHashMap<ByteBuffer, byte[]> map;
    private final byte[] keyBytes;

    MapContender(byte[] keyBytes, int entries) {
      this.keyBytes = keyBytes;
      this.map = new ConcurrentHashMap<>(entries);
    }

    @Override
    void load(int index, byte[] value) {
      int offset = index * KEY_LENGTH;
      ByteBuffer key = ByteBuffer.wrap(Arrays.copyOfRange(keyBytes, offset, offset + KEY_LENGTH));
      map.put(key, value.clone());
    }

    @Override
    int get(int index, ThreadState thread) {
      byte[] value = map.get(thread.probe(index));
      if (value == null) {
        return -1;
      }
      System.arraycopy(value, 0, thread.valueOut, 0, value.length);
      return value.length;
    }

    @Override
    long put(int index, ThreadState thread) {
      // The key exists, so the map keeps its own key object and never retains the probe.
      map.put(thread.probe(index), thread.valueIn.clone());
      return 1;
    }

    @Override
    String check(int entries) {
      if (map.size() != entries) {
        throw new IllegalStateException("the map holds " + map.size() + " of " + entries);
      }
      return String.format("chm: %,d entries", entries);
    }
  }
}
