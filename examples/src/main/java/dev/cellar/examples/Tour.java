package dev.cellar.examples;

import dev.cellar.Bucket;
import dev.cellar.BucketEntry;
import dev.cellar.BucketStatus;
import dev.cellar.CellarConfiguration;
import dev.cellar.KeyFilter;
import dev.cellar.Watch;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The tour of Cellar through public API only: the JCache provider, a cache with a byte budget, one
 * million entries loaded with a progress bar, get/put and the hit ratio from the standard
 * statistics MXBean, expiry driven by a settable clock, a listener, the bucket view, and a summary
 * table. Finishes in well under a minute on two cores.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples -am verify}; the build gives the
 * JVM the heap and the {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} flag it needs.
 */
public final class Tour {
  /** Entries the tour loads when run from the command line. */
  public static final int DEFAULT_ENTRIES = 1_000_000;

  /** The load cache's off-heap byte budget: room for a million ~100-byte values and their keys. */
  public static final long MAX_BYTES = 512L << 20;

  /** In the read pass every fifth key read is one that was never loaded, so 80% are hits. */
  private static final int MISS_EVERY = 5;

  /** ~90 bytes that pad every value to about 100 bytes. */
  private static final String FILLER = "x".repeat(90);

  private final PrintStream out;
  private final boolean liveProgress;

  private Tour(PrintStream out) {
    this.out = out;
    // Redrawing with '\r' only makes sense on a terminal; in CI logs print one line per quarter.
    this.liveProgress = out == System.out && System.console() != null;
  }

  /**
   * What the tour measured, for the summary table and for tests.
   *
   * @param entries live entries in the load cache at the end
   * @param evictions entries the load cache evicted to stay within its budget
   * @param bytesInUse off-heap bytes in use by the load cache
   * @param maxBytes the load cache's byte budget
   * @param revisionAfterLoad the load cache's revision right after the load
   * @param revisionAfterPut the load cache's revision after the get/put section
   * @param reads gets in the read pass
   * @param hits hits the statistics MXBean counted in the read pass
   * @param misses misses the statistics MXBean counted in the read pass
   * @param hitPercentage the MXBean's hit percentage for the read pass
   * @param listenerEvents what the listener saw, one {@code TYPE key} per event
   * @param watched what the wildcard watch saw, one {@code revision OPERATION key} per record
   * @param ordersRevision the orders bucket's final revision
   * @param loadOpsPerSecond puts per second in the load
   * @param readOpsPerSecond gets per second in the read pass
   */
  public record Summary(
      long entries,
      long evictions,
      long bytesInUse,
      long maxBytes,
      long revisionAfterLoad,
      long revisionAfterPut,
      long reads,
      long hits,
      long misses,
      double hitPercentage,
      List<String> listenerEvents,
      List<String> watched,
      long ordersRevision,
      double loadOpsPerSecond,
      double readOpsPerSecond) {}

  /** Runs the tour with {@link #DEFAULT_ENTRIES} entries, or as many as the first argument says. */
  public static void main(String[] args) throws JMException, InterruptedException {
    run(System.out, args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ENTRIES);
  }

  /** Runs the tour, loading {@code entries} entries and printing to {@code out}. */
  public static Summary run(PrintStream out, int entries) throws JMException, InterruptedException {
    return new Tour(out).tour(entries);
  }

  @SuppressWarnings("unchecked") // unwrap(Bucket.class) gives the raw type
  private Summary tour(int entries) throws JMException, InterruptedException {
    long gcStart = gcMillis();
    long gcCountStart = gcCount();

    heading("1. The provider");
    // The service loader finds Cellar: no class name anywhere.
    CachingProvider provider = Caching.getCachingProvider();
    CacheManager manager = provider.getCacheManager();
    out.println("provider: " + provider.getClass().getName());
    out.println("manager:  " + manager.getURI());
    try {
      heading("2. A cache with a byte budget");
      Cache<String, String> cache =
          manager.createCache(
              "tour",
              new CellarConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setMaxBytes(MAX_BYTES)
                  .setStatisticsEnabled(true));
      Bucket<String, String> bucket = cache.unwrap(Bucket.class);
      out.println(
          "cache 'tour': String -> String, budget " + mib(MAX_BYTES) + " off-heap, statistics on");

      heading("3. Loading " + count(entries) + " entries");
      long loadStart = System.nanoTime();
      Progress progress = new Progress(entries);
      for (int i = 0; i < entries; i++) {
        cache.put(key(i), value(i));
        progress.advance(i + 1);
      }
      double loadSeconds = seconds(System.nanoTime() - loadStart);
      long revisionAfterLoad = bucket.revision();
      BucketStatus loaded = bucket.status();
      out.printf(
          Locale.ROOT,
          "loaded %s entries in %.2f s (%s puts/s); %s off-heap; %s evicted%n",
          count(loaded.entries()),
          loadSeconds,
          count((long) (entries / loadSeconds)),
          mib(loaded.bytes()),
          count(loaded.evictions()));

      heading("4. get, put and the hit ratio");
      ObjectName statistics = statisticsBean("tour");
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      String sample = key(42);
      out.println("get(" + sample + ")        -> " + abbreviate(cache.get(sample)));
      cache.put(sample, "updated");
      out.println("put(" + sample + ", updated)");
      out.println("get(" + sample + ")        -> " + cache.get(sample));
      out.println("putIfAbsent(" + sample + ") -> " + cache.putIfAbsent(sample, "ignored"));
      long revisionAfterPut = bucket.revision();
      out.println(
          "revision "
              + count(revisionAfterLoad)
              + " after the load, "
              + count(revisionAfterPut)
              + " after the put: one per write");
      // Reset the counters so that the hit ratio below is the read pass's alone.
      server.invoke(statistics, "clear", null, null);
      long readStart = System.nanoTime();
      for (int i = 0; i < entries; i++) {
        // Every fifth key was never loaded: a miss by design.
        String read = i % MISS_EVERY == MISS_EVERY - 1 ? "absent:" + i : key(i);
        cache.get(read);
      }
      double readSeconds = seconds(System.nanoTime() - readStart);
      long hits = (Long) server.getAttribute(statistics, "CacheHits");
      long misses = (Long) server.getAttribute(statistics, "CacheMisses");
      float hitPercentage = (Float) server.getAttribute(statistics, "CacheHitPercentage");
      out.printf(
          Locale.ROOT,
          "read pass: %s gets in %.2f s (%s gets/s), every %dth key absent%n",
          count(entries),
          readSeconds,
          count((long) (entries / readSeconds)),
          MISS_EVERY);
      out.printf(
          Locale.ROOT,
          "statistics MXBean %s:%n  hits %s, misses %s, hit ratio %.1f%%%n",
          statistics,
          count(hits),
          count(misses),
          hitPercentage);

      heading("5. Expiry, on a clock the tour moves");
      ManualClock clock = new ManualClock(Instant.parse("2026-01-01T09:00:00Z"));
      Cache<String, String> sessions =
          manager.createCache(
              "sessions",
              new CellarConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setClock(clock)
                  .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE)));
      ExpiryExample.showOneMinuteFromCreation(out, sessions, clock, "session.alice", "logged in");

      heading("6. A listener");
      List<String> events = new ArrayList<>();
      TourListener listener = new TourListener(events);
      // Synchronous: each event is delivered before the call that caused it returns.
      sessions.registerCacheEntryListener(
          new MutableCacheEntryListenerConfiguration<>(() -> listener, null, false, true));
      sessions.put("session.bob", "logged in");
      sessions.put("session.bob", "viewing cart");
      clock.advance(java.time.Duration.ofMinutes(2));
      sessions.get("session.bob"); // finds the value due and expires it
      synchronized (events) {
        events.forEach(event -> out.println("listener: " + event));
      }

      heading("7. The bucket view");
      out.println("cache 'tour' as a bucket: revision " + count(bucket.revision()));
      Cache<String, String> ordersCache =
          manager.createCache(
              "orders",
              new CellarConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setHistory(5));
      Bucket<String, String> orders = ordersCache.unwrap(Bucket.class);
      List<String> watched = new ArrayList<>();
      CountDownLatch statusChanges = new CountDownLatch(3);
      // `*` matches one dot-separated token: order statuses, not their totals.
      try (Watch watch =
          orders.watch(
              KeyFilter.pattern("orders.*.status"),
              entry -> {
                synchronized (watched) {
                  watched.add(entry.revision() + " " + entry.operation() + " " + entry.key());
                }
                statusChanges.countDown();
              })) {
        long placed = orders.put("orders.1001.status", "placed");
        out.println("put orders.1001.status placed   -> revision " + placed);
        orders.put("orders.1001.total", "42.00");
        long paid = orders.update("orders.1001.status", "paid", placed);
        out.println("update if revision " + placed + " to paid    -> revision " + paid);
        long stale = orders.update("orders.1001.status", "cancelled", placed);
        out.println("update if revision " + placed + " again   -> " + stale + " (stale: refused)");
        orders.put("orders.1002.status", "placed");
        out.println("history of orders.1001.status:");
        for (BucketEntry<String, String> entry : orders.history("orders.1001.status")) {
          out.println("  " + entry.revision() + " " + entry.operation() + " " + entry.value());
        }
        statusChanges.await(5, TimeUnit.SECONDS);
      }
      synchronized (watched) {
        out.println("watch orders.*.status saw:");
        watched.forEach(line -> out.println("  " + line));
      }

      heading("Summary");
      BucketStatus status = bucket.status();
      long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long heapMax = Runtime.getRuntime().maxMemory();
      double loadOps = entries / loadSeconds;
      double readOps = entries / readSeconds;
      row("entries", count(status.entries()));
      row(
          "off-heap in use",
          String.format(
              Locale.ROOT,
              "%s of %s (%.0f%%)",
              mib(status.bytes()),
              mib(status.maxBytes()),
              100.0 * status.bytes() / status.maxBytes()));
      row("evictions", count(status.evictions()));
      row("heap used", mib(heapUsed) + " of " + mib(heapMax) + " max");
      row(
          "GC time",
          String.format(
              Locale.ROOT,
              "%s ms in %s collections",
              count(gcMillis() - gcStart),
              count(gcCount() - gcCountStart)));
      row("load", count((long) loadOps) + " puts/s");
      row("read pass", count((long) readOps) + " gets/s");
      row("hit ratio", String.format(Locale.ROOT, "%.1f%%", hitPercentage));
      List<String> listenerEvents;
      synchronized (events) {
        listenerEvents = List.copyOf(events);
      }
      List<String> watchedCopy;
      synchronized (watched) {
        watchedCopy = List.copyOf(watched);
      }
      return new Summary(
          status.entries(),
          status.evictions(),
          status.bytes(),
          status.maxBytes(),
          revisionAfterLoad,
          revisionAfterPut,
          entries,
          hits,
          misses,
          hitPercentage,
          listenerEvents,
          watchedCopy,
          orders.revision(),
          loadOps,
          readOps);
    } finally {
      // Closing the manager closes its caches and frees their off-heap memory.
      manager.close();
    }
  }

  /** The key of the {@code i}th entry; zero-padded so that keys sort in load order. */
  static String key(int i) {
    return String.format(Locale.ROOT, "user:%07d", i);
  }

  private static String value(int i) {
    return i + ":" + FILLER;
  }

  /** The statistics bean of the cache, found by pattern: the manager's URI is part of its name. */
  private static ObjectName statisticsBean(String cacheName) throws JMException {
    Set<ObjectName> names =
        ManagementFactory.getPlatformMBeanServer()
            .queryNames(
                new ObjectName("javax.cache:type=CacheStatistics,Cache=" + cacheName + ",*"), null);
    if (names.size() != 1) {
      throw new IllegalStateException(
          "expected one statistics bean for " + cacheName + ": " + names);
    }
    return names.iterator().next();
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime()); // -1 means "not available"
    }
    return total;
  }

  private static long gcCount() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionCount());
    }
    return total;
  }

  private void heading(String title) {
    out.println();
    out.println("== " + title);
  }

  private void row(String name, String value) {
    out.printf(Locale.ROOT, "| %-16s | %-32s |%n", name, value);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  private static double seconds(long nanos) {
    return Math.max(nanos, 1) / 1e9;
  }

  private static String abbreviate(String value) {
    return value.length() <= 24 ? value : value.substring(0, 21) + "...";
  }

  /** A progress bar redrawn in place on a terminal, or a line per quarter elsewhere. */
  private final class Progress {
    private static final int WIDTH = 40;
    private final int total;
    private int shown = -1;

    Progress(int total) {
      this.total = total;
    }

    void advance(int done) {
      int percent = (int) (100L * done / total);
      if (percent == shown) {
        return; // redraw only when the figure changes: printing is slower than putting
      }
      shown = percent;
      if (liveProgress) {
        int filled = percent * WIDTH / 100;
        out.print(
            "\r["
                + "#".repeat(filled)
                + " ".repeat(WIDTH - filled)
                + "] "
                + String.format(Locale.ROOT, "%3d%% %,d", percent, done));
        if (done == total) {
          out.println();
        }
        out.flush();
      } else if (percent % 25 == 0 && percent > 0) {
        out.println("loaded " + count(done) + " (" + percent + "%)");
      }
    }
  }

  /** Records CREATED, UPDATED and EXPIRED events as {@code TYPE key -> value}. */
  private static final class TourListener
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryUpdatedListener<String, String>,
          CacheEntryExpiredListener<String, String> {
    private final List<String> events;

    TourListener(List<String> events) {
      this.events = events;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      add(batch);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      add(batch);
    }

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      add(batch);
    }

    private void add(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      synchronized (events) {
        for (CacheEntryEvent<? extends String, ? extends String> event : batch) {
          events.add(event.getEventType() + " " + event.getKey());
        }
      }
    }
  }
}
