package dev.cellar.benchmarks;

import dev.cellar.engine.BucketConfig;
import dev.cellar.engine.EntryCursor;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.engine.RecordView;
import dev.cellar.engine.internal.KeyHash;
import dev.cellar.engine.internal.SegmentIndex;
import dev.cellar.engine.internal.SizeClasses;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * The memory footprint of one contender holding N entries, measured from inside a fresh JVM, then
 * its garbage-collection pauses during a mixed run. One JVM per contender and size, started by
 * {@code benchmarks/run-footprint.sh}, which also runs the empty {@value #BASELINE} contender that
 * the figures are taken against ({@link FootprintSummary} does the arithmetic).
 *
 * <p>Steps: load N entries ({@code String} keys as in {@link JCacheBenchmark}, built on the fly so
 * that the only references to them are the cache's; {@code byte[]} values); check that all N are
 * present; {@code System.gc()} until the heap stops shrinking; read heap used and committed, the
 * direct buffer pool, Native Memory Tracking's summary and the resident set size; run 90 % gets and
 * 10 % puts on one thread, first as an untimed warm-up, then for a fixed time; read every GC pause
 * of that window from the JVM's own GC log ({@code -Xlog:gc:file=...:uptimemillis}, given as {@code
 * --gc-log}); check presence again. One CSV row with the raw figures is appended to {@code --out}.
 *
 * <p>Native Memory Tracking ({@code -XX:NativeMemoryTracking=summary}) is read through the
 * DiagnosticCommand MBean: its committed total minus the Java heap's committed bytes and minus its
 * own tracking overhead is everything the JVM allocated outside the heap, direct buffers and {@code
 * Unsafe.allocateMemory} included (both count under "Other"), as well as class metadata, threads,
 * code and the collector's own structures. Memory a library mallocs behind the JVM's back (through
 * JNA, say) is not in it, which is why OHC's allocator is set to {@code unsafe} in these runs, and
 * why the resident set size is recorded beside it as a cross-check.
 */
public final class Footprint {
  /** The contender that loads nothing: the empty JVM every other row is measured against. */
  public static final String BASELINE = "baseline";

  /** Odd multiplier that scatters Zipfian ranks over the key numbers (a bijection mod N). */
  private static final long SCATTER = 0x9E3779B1L;

  private static final Pattern PAUSE =
      Pattern.compile("^\\[(\\d+)ms\\].* Pause .* (\\d+(?:\\.\\d+)?)ms$");
  private static final Pattern NMT_TOTAL =
      Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
  private static final Pattern NMT_CATEGORY =
      Pattern.compile("-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

  private final Options options;
  private final Map<String, String> row = new LinkedHashMap<>();

  private Footprint(Options options) {
    this.options = options;
  }

  /**
   * Measures one contender and appends its row to the {@code --out} CSV file. Options: {@code
   * --contender} (cellar, caffeine, ehcache-offheap, chm-copy, ohc or {@value #BASELINE}), {@code
   * --entries}, {@code --value-size}, {@code --budget-per-entry} (bytes of off-heap budget per
   * entry for cellar, ehcache-offheap and ohc), {@code --seconds} (mixed run), {@code --warmup}
   * (seconds of the same workload before it, untimed), {@code --distribution} (uniform or zipfian),
   * {@code --gc-log}, {@code --out}.
   */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Footprint footprint = new Footprint(options);
    footprint.run();
    footprint.append(Path.of(options.out));
  }

  private void run() throws Exception {
    boolean baseline = options.contender.equals(BASELINE);
    int entries = baseline ? 0 : options.entries;
    long budget = (long) entries * options.budgetPerEntry;
    row.put("contender", options.contender);
    row.put("entries", Integer.toString(entries));
    row.put("valueSize", Integer.toString(options.valueSize));
    row.put("budgetBytes", baseline || !offHeap(options.contender) ? "" : Long.toString(budget));
    row.put("distribution", options.distribution);

    JCacheBenchmark.Store store = baseline ? new JCacheBenchmark.MapStore(1) : create(budget);
    long emptyInUse = -1;
    if (options.contender.equals("cellar")) {
      emptyInUse = bucket(store).bytesInUse();
    }

    long loadStart = uptime();
    long started = System.nanoTime();
    byte[] value = new byte[options.valueSize];
    for (int i = 0; i < entries; i++) {
      Arrays.fill(value, (byte) i);
      store.put(JCacheBenchmark.key(i), value);
      if ((i + 1) % Math.max(1, entries / 10) == 0) {
        System.out.printf(Locale.ROOT, "%s: loaded %,d%n", options.contender, i + 1);
      }
    }
    double loadSeconds = (System.nanoTime() - started) / 1e9;
    long loadEnd = uptime();
    row.put("loadSeconds", String.format(Locale.ROOT, "%.1f", loadSeconds));
    int present = present(store, entries);
    row.put("present", Integer.toString(present));
    if (present != entries) {
      throw new IllegalStateException(
          options.contender + " holds " + present + " of " + entries + " entries after loading");
    }
    System.out.println(options.contender + ": all " + present + " present; " + store.describe());

    measureMemory();

    if (!baseline && options.warmup > 0) {
      // Untimed: the JIT compiles the paths, and the collector regrows the young generation that
      // the System.gc() calls above shrank, so the measured window sees the steady state.
      mixed(store, entries, options.warmup, false);
    }
    long mixedStart = uptime();
    long[] gcBefore = collectorTotals();
    if (!baseline) {
      mixed(store, entries, options.seconds, true);
    } else {
      row.put("mixedSeconds", "0");
      row.put("mixedOps", "0");
    }
    long[] gcAfter = collectorTotals();
    long mixedEnd = uptime();
    row.put("mxbeanGcCount", Long.toString(gcAfter[0] - gcBefore[0]));
    row.put("mxbeanGcMs", Long.toString(gcAfter[1] - gcBefore[1]));
    pauses(mixedStart, mixedEnd, loadStart, loadEnd);

    int presentAfter = present(store, entries);
    row.put("presentAfterMixed", Integer.toString(presentAfter));
    if (presentAfter != entries) {
      throw new IllegalStateException(
          options.contender + " holds " + presentAfter + " of " + entries + " after the run");
    }
    if (options.contender.equals("cellar")) {
      cellarBreakdown(bucket(store), emptyInUse);
    }
    System.out.println(options.contender + ": " + store.describe());
    store.close();
  }

  private JCacheBenchmark.Store create(long budget) {
    return switch (options.contender) {
      case "cellar" -> JCacheBenchmark.JCacheStore.cellar(budget);
      case "caffeine" -> JCacheBenchmark.JCacheStore.caffeine();
      case "ehcache-offheap" -> JCacheBenchmark.JCacheStore.ehcacheOffHeap(budget);
      case "chm-copy" -> new JCacheBenchmark.MapStore(options.entries);
      case "ohc" -> new JCacheBenchmark.OhcStore(budget);
      default -> throw new IllegalArgumentException("unknown contender " + options.contender);
    };
  }

  private static boolean offHeap(String contender) {
    return contender.equals("cellar")
        || contender.equals("ehcache-offheap")
        || contender.equals("ohc");
  }

  private static OffHeapBucket bucket(JCacheBenchmark.Store store) {
    return ((JCacheBenchmark.JCacheStore) store).cache().unwrap(OffHeapBucket.class);
  }

  private static int present(JCacheBenchmark.Store store, int entries) {
    int present = 0;
    for (int i = 0; i < entries; i++) {
      if (store.containsKey(JCacheBenchmark.key(i))) {
        present++;
      }
    }
    return present;
  }

  /** Full collections until heap used stops falling, then every memory figure of the process. */
  private void measureMemory() throws InterruptedException, IOException, JMException {
    long previous = Long.MAX_VALUE;
    int rounds = 0;
    long used;
    while (true) {
      System.gc();
      // The reference handler frees the direct buffers this collection found unreachable.
      Thread.sleep(200);
      rounds++;
      used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      boolean stable = Math.abs(previous - used) <= Math.max(1 << 20, used / 100);
      if ((rounds >= 2 && stable) || rounds >= 8) {
        break;
      }
      previous = used;
    }
    row.put("gcRounds", Integer.toString(rounds));
    row.put("heapUsed", Long.toString(used));
    row.put(
        "heapCommitted",
        Long.toString(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted()));
    long direct = 0;
    long buffers = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      // "mapped" and "mapped - 'non-volatile memory'" are empty here; "direct" is what counts.
      if (pool.getName().equals("direct")) {
        direct = pool.getMemoryUsed();
        buffers = pool.getCount();
      }
    }
    row.put("directUsed", Long.toString(direct));
    row.put("directBuffers", Long.toString(buffers));
    Map<String, Long> nmt = nativeMemory();
    long total = nmt.getOrDefault("Total", -1L);
    long heap = nmt.getOrDefault("Java Heap", 0L);
    long tracking = nmt.getOrDefault("Native Memory Tracking", 0L);
    row.put("nmtCommitted", Long.toString(total));
    row.put("nmtHeapCommitted", Long.toString(heap));
    row.put("nmtTracking", Long.toString(tracking));
    row.put("nmtOther", Long.toString(nmt.getOrDefault("Other", 0L)));
    row.put("nmtGc", Long.toString(nmt.getOrDefault("GC", 0L)));
    row.put("nmtClass", Long.toString(nmt.getOrDefault("Class", 0L)));
    row.put("nativeBytes", total < 0 ? "" : Long.toString(total - heap - tracking));
    row.put("rssBytes", Long.toString(rss()));
    System.out.printf(
        Locale.ROOT,
        "%s: heap used %,d B after %d collections; direct %,d B; native (NMT) %s B; RSS %,d B%n",
        options.contender,
        used,
        rounds,
        direct,
        row.get("nativeBytes"),
        rss());
  }

  /** Committed bytes per Native Memory Tracking category, and "Total"; empty when NMT is off. */
  private static Map<String, Long> nativeMemory() throws JMException {
    Object text =
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "vmNativeMemory",
                new Object[] {new String[] {"summary", "scale=KB"}},
                new String[] {String[].class.getName()});
    Map<String, Long> committed = new LinkedHashMap<>();
    Matcher total = NMT_TOTAL.matcher(String.valueOf(text));
    if (total.find()) {
      committed.put("Total", Long.parseLong(total.group(2)) << 10);
    }
    Matcher category = NMT_CATEGORY.matcher(String.valueOf(text));
    while (category.find()) {
      committed.put(category.group(1).trim(), Long.parseLong(category.group(3)) << 10);
    }
    return committed;
  }

  /** VmRSS from {@code /proc/self/status}, in bytes; -1 where there is none. */
  private static long rss() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
      }
    }
    return -1;
  }

  /**
   * 90 % gets, 10 % puts of existing keys, one thread, for {@code seconds}; records its figures
   * when {@code measured} (the warm-up draws other keys from another seed).
   */
  private void mixed(JCacheBenchmark.Store store, int entries, long seconds, boolean measured) {
    long seed = measured ? 0x5EED_F00DL : 0x5EED_F00EL;
    SplittableRandom random = new SplittableRandom(seed);
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    RejectionInversionZipfSampler zipf =
        new RejectionInversionZipfSampler(rng, entries, KeySequences.ZIPF_EXPONENT);
    boolean uniform = options.distribution.equals("uniform");
    byte[] value = new byte[options.valueSize];
    Arrays.fill(value, (byte) 0x5A);
    long ops = 0;
    long puts = 0;
    long checksum = 0;
    long started = System.nanoTime();
    long deadline = started + seconds * 1_000_000_000L;
    long now;
    while (true) {
      for (int batch = 0; batch < 256; batch++) {
        int number =
            uniform
                ? random.nextInt(entries)
                // Rank 1 is the hottest; the odd multiplier scatters ranks over load order.
                : (int) ((zipf.sample() - 1) * SCATTER % entries);
        String key = JCacheBenchmark.key(number);
        if (random.nextInt(10) == 0) {
          store.put(key, value);
          puts++;
        } else {
          byte[] got = store.get(key);
          if (got == null) {
            throw new IllegalStateException("miss on " + key + " in " + options.contender);
          }
          checksum += got[0];
        }
      }
      ops += 256;
      now = System.nanoTime();
      if (now >= deadline) {
        break;
      }
    }
    double elapsed = (now - started) / 1e9;
    if (measured) {
      row.put("mixedSeconds", String.format(Locale.ROOT, "%.2f", elapsed));
      row.put("mixedOps", Long.toString(ops));
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %s %.1f s, %,d ops (%,d puts), %,.0f ops/s (checksum %d)%n",
        options.contender,
        measured ? "mixed run" : "warm-up",
        elapsed,
        ops,
        puts,
        ops / elapsed,
        checksum);
  }

  /** Collections and milliseconds of collection time over every collector MXBean. */
  private static long[] collectorTotals() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, collector.getCollectionCount());
      millis += Math.max(0, collector.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private static long uptime() {
    return ManagementFactory.getRuntimeMXBean().getUptime();
  }

  /**
   * Every pause the GC log shows ending inside the mixed run (and the longest during loading): the
   * log has the remark and cleanup pauses that G1 reports to no MXBean on JDK 17.
   */
  private void pauses(long mixedStart, long mixedEnd, long loadStart, long loadEnd)
      throws IOException {
    int count = 0;
    double total = 0;
    double max = 0;
    double loadMax = 0;
    if (options.gcLog.isEmpty()) {
      row.put("pauseCount", "");
      row.put("pauseTotalMs", "");
      row.put("pauseMaxMs", "");
      row.put("loadPauseMaxMs", "");
      return;
    }
    List<String> lines = Files.readAllLines(Path.of(options.gcLog), StandardCharsets.UTF_8);
    for (String line : lines) {
      Matcher pause = PAUSE.matcher(line);
      if (!pause.matches()) {
        continue;
      }
      long at = Long.parseLong(pause.group(1));
      double millis = Double.parseDouble(pause.group(2));
      if (at >= mixedStart && at <= mixedEnd) {
        count++;
        total += millis;
        max = Math.max(max, millis);
      } else if (at >= loadStart && at <= loadEnd) {
        loadMax = Math.max(loadMax, millis);
      }
    }
    row.put("pauseCount", Integer.toString(count));
    row.put("pauseTotalMs", String.format(Locale.ROOT, "%.1f", total));
    row.put("pauseMaxMs", String.format(Locale.ROOT, "%.1f", max));
    row.put("loadPauseMaxMs", String.format(Locale.ROOT, "%.1f", loadMax));
    System.out.printf(
        Locale.ROOT,
        "%s: %d GC pauses in the mixed run, %.1f ms in all, longest %.1f ms%n",
        options.contender,
        count,
        total,
        max);
  }

  /**
   * Where Cellar's bytes go: the records' exact key and value lengths (walked through the bucket),
   * the slab chunk each record takes (the engine's size classes for this page size), and the index
   * tables, estimated from the engine's growth rule (256 slots to start, grown by half before a
   * table is three quarters full; a table up to a page takes a whole pooled page, a larger one a
   * buffer of its own) and the keys' segments.
   */
  private void cellarBreakdown(OffHeapBucket bucket, long emptyInUse) {
    BucketConfig config = bucket.config();
    SizeClasses classes = new SizeClasses(config.pageSize());
    int segments = config.segments();
    int shift = 32 - Integer.numberOfTrailingZeros(segments);
    long[] keysPerSegment = new long[segments];
    long records = 0;
    long keyBytes = 0;
    long valueBytes = 0;
    long chunkBytes = 0;
    EntryCursor cursor = bucket.entries();
    while (cursor.next()) {
      RecordView record = cursor.current();
      long length =
          (long) OffHeapBucket.recordOverhead() + record.keyLength() + record.valueLength();
      int sizeClass = classes.classOf(length);
      if (sizeClass < 0) {
        throw new IllegalStateException("a record of " + length + " B has no size class");
      }
      records++;
      keyBytes += record.keyLength();
      valueBytes += record.valueLength();
      chunkBytes += classes.size(sizeClass);
      int hash = KeyHash.hash(record.buffer(), record.keyOffset(), record.keyLength());
      keysPerSegment[segments == 1 ? 0 : hash >>> shift]++;
    }
    int initialSlots = 256;
    long initialCost = initialSlots * 16L + 64;
    long pageCost = config.pageSize() + 64L;
    long indexBytes = 0;
    int grown = 0;
    for (long keys : keysPerSegment) {
      long slots = initialSlots;
      while (keys * 4 > slots * 3) {
        slots = SegmentIndex.grown((int) slots);
      }
      if (slots == initialSlots) {
        indexBytes += initialCost;
      } else {
        grown++;
        indexBytes += slots * 16 <= config.pageSize() ? pageCost : slots * 16 + 64;
      }
    }
    // The empty bucket holds the journal, the marker rings and every segment's initial table; the
    // tables are counted with the index instead.
    long fixed = emptyInUse - segments * initialCost;
    row.put("cellarSegments", Integer.toString(segments));
    row.put("cellarPageSize", Integer.toString(config.pageSize()));
    row.put("cellarJournalSize", Integer.toString(config.journalSize()));
    row.put("cellarEmptyInUse", Long.toString(emptyInUse));
    row.put("cellarFixed", Long.toString(fixed));
    row.put("cellarInUse", Long.toString(bucket.bytesInUse()));
    row.put("cellarReserved", Long.toString(bucket.bytesReserved()));
    row.put("cellarRecords", Long.toString(records));
    row.put("cellarKeyBytes", Long.toString(keyBytes));
    row.put("cellarValueBytes", Long.toString(valueBytes));
    row.put("cellarHeaderBytes", Long.toString(records * OffHeapBucket.recordOverhead()));
    row.put("cellarChunkBytes", Long.toString(chunkBytes));
    row.put("cellarIndexBytes", Long.toString(indexBytes));
    row.put("cellarEvictions", Long.toString(bucket.evictions()));
    System.out.printf(
        Locale.ROOT,
        "cellar: %s; %,d records, key %,d B, value %,d B, chunks %,d B, index ~%,d B (%d of %d"
            + " segments grew), fixed %,d B, in use %,d B, reserved %,d B%n",
        config,
        records,
        keyBytes,
        valueBytes,
        chunkBytes,
        indexBytes,
        grown,
        segments,
        fixed,
        bucket.bytesInUse(),
        bucket.bytesReserved());
  }

  private void append(Path out) throws IOException {
    StringBuilder line = new StringBuilder();
    boolean fresh = !Files.exists(out) || Files.size(out) == 0;
    if (fresh) {
      line.append(String.join(",", FootprintSummary.COLUMNS)).append('\n');
    }
    for (int i = 0; i < FootprintSummary.COLUMNS.size(); i++) {
      line.append(i == 0 ? "" : ",").append(row.getOrDefault(FootprintSummary.COLUMNS.get(i), ""));
    }
    line.append('\n');
    Files.writeString(
        out, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    for (String column : row.keySet()) {
      if (!FootprintSummary.COLUMNS.contains(column)) {
        throw new IllegalStateException("column " + column + " is not in FootprintSummary");
      }
    }
  }

  /** The command line. */
  private static final class Options {
    String contender = "";
    int entries = 1_000_000;
    int valueSize = 1024;
    long budgetPerEntry = 1536;
    long seconds = 30;
    long warmup = 5;
    String distribution = "uniform";
    String gcLog = "";
    String out = "";

    static Options parse(String[] args) {
      Options options = new Options();
      for (int i = 0; i + 1 < args.length; i += 2) {
        String value = args[i + 1];
        switch (args[i]) {
          case "--contender" -> options.contender = value;
          case "--entries" -> options.entries = Integer.parseInt(value);
          case "--value-size" -> options.valueSize = Integer.parseInt(value);
          case "--budget-per-entry" -> options.budgetPerEntry = Long.parseLong(value);
          case "--seconds" -> options.seconds = Long.parseLong(value);
          case "--warmup" -> options.warmup = Long.parseLong(value);
          case "--distribution" -> options.distribution = value;
          case "--gc-log" -> options.gcLog = value;
          case "--out" -> options.out = value;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (args.length % 2 != 0 || options.contender.isEmpty() || options.out.isEmpty()) {
        throw new IllegalArgumentException(
            "usage: Footprint --contender NAME --out CSV [--entries N] [--value-size B]"
                + " [--budget-per-entry B] [--seconds S] [--warmup S]"
                + " [--distribution uniform|zipfian]"
                + " [--gc-log FILE]");
      }
      if (!options.distribution.equals("uniform") && !options.distribution.equals("zipfian")) {
        throw new IllegalArgumentException("unknown distribution " + options.distribution);
      }
      return options;
    }
  }
}
