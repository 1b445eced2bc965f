package dev.cellar.examples;

import dev.cellar.CellarConfiguration;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * Entry processors: code that reads and changes one entry atomically, next to the data. A counter
 * incremented from two threads loses no update; {@code invokeAll} works on several keys and returns
 * each result; a processor can remove its entry; one that throws changes nothing.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples -am verify
 * -Dexample=EntryProcessorExample}.
 */
public final class EntryProcessorExample {
  /** Increments made by each of the two threads. */
  public static final int INCREMENTS = 1_000;

  /** Adds one to the entry, starting from 0 when it is absent; returns the new count. */
  private static final EntryProcessor<String, Integer, Integer> INCREMENT =
      (entry, arguments) -> {
        int next = entry.exists() ? entry.getValue() + 1 : 1;
        entry.setValue(next);
        return next;
      };

  /** Takes one from the entry and removes it when it reaches 0; returns what is left. */
  private static final EntryProcessor<String, Integer, Integer> TAKE_ONE =
      (entry, arguments) -> {
        int left = entry.getValue() - 1;
        if (left == 0) {
          entry.remove();
        } else {
          entry.setValue(left);
        }
        return left;
      };

  private EntryProcessorExample() {}

  /**
   * What the example ended with.
   *
   * @param likes the counter both threads incremented
   * @param stock what is left of each item after {@code invokeAll}; absent items are gone
   * @param refused the cause of the {@code EntryProcessorException} thrown by the processor that
   *     failed
   */
  public record Outcome(int likes, Map<String, Integer> stock, String refused) {}

  /** Runs the example and prints what it does. */
  public static void main(String[] args) throws InterruptedException {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}. */
  public static Outcome run(PrintStream out) throws InterruptedException {
    CacheManager manager =
        Caching.getCachingProvider()
            .getCacheManager(URI.create("cellar:entry-processor-example"), null);
    try {
      Cache<String, Integer> counters =
          manager.createCache(
              "counters",
              new CellarConfiguration<String, Integer>().setTypes(String.class, Integer.class));
      for (int i = 0; i < 3; i++) {
        out.println("invoke increment on visits -> " + counters.invoke("visits", INCREMENT));
      }

      // Processors on one key run one at a time: no increment is lost.
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread thread =
            new Thread(
                () -> {
                  for (int i = 0; i < INCREMENTS; i++) {
                    counters.invoke("likes", INCREMENT);
                  }
                });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
      int likes = counters.get("likes");
      out.println("2 threads x " + INCREMENTS + " increments on likes -> " + likes);

      Cache<String, Integer> stock =
          manager.createCache(
              "stock",
              new CellarConfiguration<String, Integer>().setTypes(String.class, Integer.class));
      stock.putAll(Map.of("apples", 3, "pears", 1));
      Map<String, EntryProcessorResult<Integer>> taken =
          stock.invokeAll(Set.of("apples", "pears"), TAKE_ONE);
      for (Map.Entry<String, EntryProcessorResult<Integer>> result :
          new TreeMap<>(taken).entrySet()) {
        out.println("invokeAll take one: " + result.getKey() + " -> " + result.getValue().get());
      }
      Map<String, Integer> left = new TreeMap<>(stock.getAll(Set.of("apples", "pears")));
      out.println("stock now: " + left + " (pears reached 0 and were removed)");

      // A processor that throws changes nothing, even what it set before throwing.
      String refused;
      try {
        stock.invoke(
            "apples",
            (entry, arguments) -> {
              entry.setValue(100);
              throw new IllegalStateException("changed my mind");
            });
        refused = "nothing";
      } catch (EntryProcessorException e) {
        refused = String.valueOf(e.getCause());
      }
      out.println("invoke set 100, then throw, on apples -> EntryProcessorException: " + refused);
      out.println("stock still: " + new TreeMap<>(stock.getAll(Set.of("apples", "pears"))));
      return new Outcome(likes, left, refused);
    } finally {
      manager.close();
    }
  }
}
