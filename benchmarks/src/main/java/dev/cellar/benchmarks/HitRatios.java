package dev.cellar.benchmarks;

import dev.cellar.benchmarks.JCacheBenchmark.Store;
import dev.cellar.benchmarks.KeySequences.Distribution;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hit ratios of full caches, untimed: every contender of {@link EvictionBenchmark}, sized the same
 * way, is driven through the same cache-aside trace (get; on a miss, put), access by access, and
 * the hits are counted after a warm-up. Unlike the JMH run, where a faster contender sees more of a
 * looping key sequence, every contender here sees exactly the same accesses, once.
 *
 * <p>Traces, over twice as many keys as the caches are sized for:
 *
 * <ul>
 *   <li>{@code zipfian}: Zipfian (0.99) keys, as in the JMH benchmarks;
 *   <li>{@code uniform}: every key equally likely, where no policy can beat half;
 *   <li>{@code scan}: the Zipfian trace, but every fifth block of {@value #BLOCK} accesses reads
 *       keys never seen before and never seen again, as a batch job reading through cold data
 *       would;
 *   <li>{@code shifting}: Zipfian keys whose hot set is drawn afresh every {@value #PHASE}
 *       accesses, which favours recency over frequency.
 * </ul>
 *
 * <p>Usage: {@code HitRatios [capacity] [accesses] [out-prefix]}; writes {@code out-prefix.csv} and
 * {@code out-prefix.md} when a prefix is given, and prints the table.
 */
public final class HitRatios {
  /** Accesses per block of the scan trace. */
  static final int BLOCK = 100_000;

  /** Accesses per phase of the shifting trace. */
  static final int PHASE = 1_000_000;

  private static final int VALUE_SIZE = 100;
  private static final long SEED = 0x417E_0000L;
  private static final long PERMUTATION_SEED = 0xE71C7L;
  private static final String ALL_CONTENDERS = "cellar,caffeine,ehcache-offheap,ohc";
  private static final String[] TRACES = {"zipfian", "uniform", "scan", "shifting"};

  private HitRatios() {}

  /** Runs every trace against every contender and prints (and optionally writes) the table. */
  public static void main(String[] args) throws IOException {
    int capacity = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int accesses = args.length > 1 ? Integer.parseInt(args[1]) : 6_000_000;
    String[] contenders = (args.length > 3 ? args[3] : ALL_CONTENDERS).split(",");
    int keyCount = 2 * capacity;
    int scanKeys = accesses / 5 + BLOCK;
    String[] keys = JCacheBenchmark.keys(keyCount + scanKeys);
    List<String> csv = new ArrayList<>();
    csv.add("trace,contender,capacity,accesses,counted,hits,hit_ratio");
    StringBuilder table = new StringBuilder();
    table.append("| trace | ").append(String.join(" | ", contenders)).append(" |\n");
    table.append("|---|").append("---:|".repeat(contenders.length)).append('\n');
    for (String traceName : TRACES) {
      int[] trace = trace(traceName, keyCount, accesses);
      table.append("| ").append(traceName);
      for (String contender : contenders) {
        long[] outcome = run(contender, capacity, keys, trace);
        double ratio = (double) outcome[1] / outcome[0];
        csv.add(
            String.join(
                ",",
                traceName,
                contender,
                Integer.toString(capacity),
                Integer.toString(accesses),
                Long.toString(outcome[0]),
                Long.toString(outcome[1]),
                String.format(Locale.ROOT, "%.5f", ratio)));
        table.append(String.format(Locale.ROOT, " | %.2f %%", 100 * ratio));
        System.err.printf(Locale.ROOT, "%s %s: %.2f %%%n", traceName, contender, 100 * ratio);
      }
      table.append(" |\n");
    }
    PrintStream out = System.out;
    out.print(table);
    if (args.length > 2 && !args[2].equals("-")) {
      Files.write(Path.of(args[2] + ".csv"), csv, StandardCharsets.UTF_8);
      Files.writeString(Path.of(args[2] + ".md"), table, StandardCharsets.UTF_8);
    }
  }

  /**
   * Drives {@code trace} through a fresh cache of {@code contender}; returns the gets counted (the
   * last three quarters of the trace) and the hits among them.
   */
  static long[] run(String contender, int capacity, String[] keys, int[] trace) {
    Store store = EvictionBenchmark.boundedStore(contender, capacity, VALUE_SIZE);
    try {
      byte[] value = new byte[VALUE_SIZE];
      int warmUp = trace.length / 4;
      long hits = 0;
      for (int i = 0; i < trace.length; i++) {
        String key = keys[trace[i]];
        if (store.get(key) != null) {
          hits += i >= warmUp ? 1 : 0;
        } else {
          store.put(key, value);
        }
      }
      return new long[] {trace.length - warmUp, hits};
    } finally {
      store.close();
    }
  }

  /** The key numbers of trace {@code name}: {@code accesses} of them, seeded. */
  static int[] trace(String name, int keyCount, int accesses) {
    return switch (name) {
      case "zipfian", "uniform" ->
          KeySequences.sequence(Distribution.of(name), keyCount, accesses, SEED, PERMUTATION_SEED);
      case "scan" -> {
        int[] trace =
            KeySequences.sequence(Distribution.ZIPFIAN, keyCount, accesses, SEED, PERMUTATION_SEED);
        int cold = keyCount;
        for (int i = 0; i < accesses; i++) {
          if ((i / BLOCK) % 5 == 4) {
            trace[i] = cold++;
          }
        }
        yield trace;
      }
      case "shifting" -> {
        int[] trace = new int[accesses];
        for (int start = 0, phase = 0; start < accesses; start += PHASE, phase++) {
          int length = Math.min(PHASE, accesses - start);
          int[] part =
              KeySequences.sequence(
                  Distribution.ZIPFIAN, keyCount, length, SEED + phase, PERMUTATION_SEED + phase);
          System.arraycopy(part, 0, trace, start, length);
        }
        yield trace;
      }
      default -> throw new IllegalArgumentException("unknown trace " + name);
    };
  }
}
