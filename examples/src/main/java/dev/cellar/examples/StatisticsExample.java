package dev.cellar.examples;

import com.codahale.metrics.ConsoleReporter;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import dev.cellar.CellarConfiguration;
import dev.cellar.metrics.CacheMetrics;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Statistics: the standard {@code CacheStatisticsMXBean}, read from the platform MBean server as
 * JConsole or any JMX tool would, and the same counters with the off-heap figures as Dropwizard
 * metrics ({@link CacheMetrics}), printed once by a {@code ConsoleReporter}.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples -am verify
 * -Dexample=StatisticsExample}.
 */
public final class StatisticsExample {
  /** The metrics the reporter prints, of those {@link CacheMetrics} offers. */
  private static final Set<String> REPORTED =
      Set.of("hits", "misses", "puts", "removals", "entries", "offheap.max-bytes", "get");

  private StatisticsExample() {}

  /**
   * The statistics MXBean's counters after the example's calls.
   *
   * @param gets {@code CacheGets}
   * @param hits {@code CacheHits}
   * @param misses {@code CacheMisses}
   * @param puts {@code CachePuts}
   * @param removals {@code CacheRemovals}
   * @param hitPercentage {@code CacheHitPercentage}
   */
  public record Counters(
      long gets, long hits, long misses, long puts, long removals, float hitPercentage) {}

  /** Runs the example and prints what it does. */
  public static void main(String[] args) throws JMException {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}; returns the MXBean's counters. */
  public static Counters run(PrintStream out) throws JMException {
    CacheManager manager =
        Caching.getCachingProvider().getCacheManager(URI.create("cellar:statistics-example"), null);
    try {
      Cache<String, Integer> stock =
          manager.createCache(
              "stock",
              new CellarConfiguration<String, Integer>()
                  .setTypes(String.class, Integer.class)
                  .setStatisticsEnabled(true) // the MXBean and the counters
                  .setTimers(true)); // get and put timers in CacheMetrics
      stock.put("apples", 12);
      stock.put("pears", 7);
      stock.put("plums", 0);
      for (String fruit : new String[] {"apples", "pears", "apples", "kiwis", "plums", "figs"}) {
        stock.get(fruit);
      }
      stock.remove("plums");
      out.println("3 puts, 6 gets (kiwis and figs are absent), 1 remove");

      // The MXBean's name holds the manager's URI, with ':' made '.'; find it by pattern.
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName bean =
          server
              .queryNames(new ObjectName("javax.cache:type=CacheStatistics,Cache=stock,*"), null)
              .iterator()
              .next();
      Counters counters =
          new Counters(
              (Long) server.getAttribute(bean, "CacheGets"),
              (Long) server.getAttribute(bean, "CacheHits"),
              (Long) server.getAttribute(bean, "CacheMisses"),
              (Long) server.getAttribute(bean, "CachePuts"),
              (Long) server.getAttribute(bean, "CacheRemovals"),
              (Float) server.getAttribute(bean, "CacheHitPercentage"));
      out.println("MXBean " + bean);
      out.printf(
          Locale.ROOT,
          "  gets %d, hits %d, misses %d, puts %d, removals %d, hit percentage %.1f%n",
          counters.gets(),
          counters.hits(),
          counters.misses(),
          counters.puts(),
          counters.removals(),
          counters.hitPercentage());

      // Dropwizard: register the cache's metric set under a prefix and report it once.
      MetricRegistry registry = new MetricRegistry();
      registry.register("stock", new CacheMetrics(stock));
      MetricFilter filter = (name, metric) -> REPORTED.contains(name.substring("stock.".length()));
      try (ConsoleReporter reporter =
          ConsoleReporter.forRegistry(registry)
              .outputTo(out)
              .filter(filter)
              .formattedFor(Locale.ROOT)
              .formattedFor(TimeZone.getTimeZone("UTC"))
              .convertRatesTo(TimeUnit.SECONDS)
              .convertDurationsTo(TimeUnit.MICROSECONDS)
              .build()) {
        reporter.report();
      }
      return counters;
    } finally {
      manager.close();
    }
  }
}
