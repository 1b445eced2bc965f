package dev.cellar.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Turns the raw rows {@link Footprint} appends (one per JVM) into the committed CSV, with the
 * figures taken against the {@value Footprint#BASELINE} row, and the Markdown tables: footprint,
 * mixed run, Cellar against the goals of issue 7, and where Cellar's bytes per entry go.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cellar.benchmarks.FootprintSummary raw.csv out.csv};
 * the Markdown goes to standard output.
 */
public final class FootprintSummary {
  /** The raw columns, in the order {@link Footprint} writes them. */
  public static final List<String> COLUMNS =
      List.of(
          "contender",
          "entries",
          "valueSize",
          "budgetBytes",
          "distribution",
          "loadSeconds",
          "present",
          "gcRounds",
          "heapUsed",
          "heapCommitted",
          "directUsed",
          "directBuffers",
          "nmtCommitted",
          "nmtHeapCommitted",
          "nmtTracking",
          "nmtOther",
          "nmtGc",
          "nmtClass",
          "nativeBytes",
          "rssBytes",
          "mixedSeconds",
          "mixedOps",
          "mxbeanGcCount",
          "mxbeanGcMs",
          "pauseCount",
          "pauseTotalMs",
          "pauseMaxMs",
          "loadPauseMaxMs",
          "presentAfterMixed",
          "cellarSegments",
          "cellarPageSize",
          "cellarJournalSize",
          "cellarEmptyInUse",
          "cellarFixed",
          "cellarInUse",
          "cellarReserved",
          "cellarRecords",
          "cellarKeyBytes",
          "cellarValueBytes",
          "cellarHeaderBytes",
          "cellarChunkBytes",
          "cellarIndexBytes",
          "cellarEvictions");

  /** Goal of issue 7 at 5M x 1 KiB: bytes per entry, everything included. */
  static final double GOAL_BYTES_PER_ENTRY = 1100;

  /** Goal of issue 7: heap after GC under 32 MB (read as 32 x 10^6 bytes, the stricter). */
  static final double GOAL_HEAP = 32e6;

  /** Goal of issue 7: GC pauses under 100 ms per 30 s of the mixed run. */
  static final double GOAL_PAUSE_MS_PER_30S = 100;

  private static final List<String> DERIVED =
      List.of(
          "heapDelta",
          "nativeDelta",
          "bytesPerEntry",
          "rssDeltaPerEntry",
          "opsPerSecond",
          "pauseMsPer30s",
          "pauseMsPerMillionOps");

  private FootprintSummary() {}

  /** Writes the CSV named by the second argument and prints the Markdown tables. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: FootprintSummary <raw.csv> <out.csv>");
      System.exit(2);
    }
    List<Map<String, String>> rows = read(Path.of(args[0]));
    Map<String, String> baseline = null;
    for (Map<String, String> row : rows) {
      if (isBaseline(row)) {
        baseline = row;
      }
    }
    if (baseline == null) {
      throw new IllegalArgumentException("no " + Footprint.BASELINE + " row in " + args[0]);
    }
    for (Map<String, String> row : rows) {
      derive(row, baseline);
    }
    StringBuilder csv = new StringBuilder();
    List<String> header = new ArrayList<>(COLUMNS);
    header.addAll(DERIVED);
    csv.append(String.join(",", header)).append('\n');
    for (Map<String, String> row : rows) {
      List<String> cells = new ArrayList<>();
      for (String column : header) {
        cells.add(row.getOrDefault(column, ""));
      }
      csv.append(String.join(",", cells)).append('\n');
    }
    Files.writeString(Path.of(args[1]), csv, StandardCharsets.UTF_8);
    System.out.print(markdown(rows, baseline));
  }

  private static List<Map<String, String>> read(Path raw) throws IOException {
    List<String> lines = Files.readAllLines(raw, StandardCharsets.UTF_8);
    List<Map<String, String>> rows = new ArrayList<>();
    List<String> header = List.of();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = List.of(line.split(",", -1));
      if (cells.get(0).equals("contender")) {
        header = cells;
        continue;
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size() && i < cells.size(); i++) {
        row.put(header.get(i), cells.get(i));
      }
      rows.add(row);
    }
    return rows;
  }

  private static void derive(Map<String, String> row, Map<String, String> baseline) {
    long entries = number(row, "entries");
    long heapDelta = number(row, "heapUsed") - number(baseline, "heapUsed");
    long nativeDelta = number(row, "nativeBytes") - number(baseline, "nativeBytes");
    long rssDelta = number(row, "rssBytes") - number(baseline, "rssBytes");
    row.put("heapDelta", Long.toString(heapDelta));
    row.put("nativeDelta", Long.toString(nativeDelta));
    if (entries > 0) {
      row.put("bytesPerEntry", format("%.1f", (double) (heapDelta + nativeDelta) / entries));
      row.put("rssDeltaPerEntry", format("%.1f", (double) rssDelta / entries));
    }
    double seconds = decimal(row, "mixedSeconds");
    if (seconds > 0) {
      row.put("opsPerSecond", format("%.0f", number(row, "mixedOps") / seconds));
      row.put("pauseMsPer30s", format("%.1f", decimal(row, "pauseTotalMs") * 30 / seconds));
      row.put(
          "pauseMsPerMillionOps",
          format("%.2f", decimal(row, "pauseTotalMs") * 1e6 / number(row, "mixedOps")));
    }
  }

  private static String markdown(List<Map<String, String>> rows, Map<String, String> baseline) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Empty-JVM baseline (the `%s` row): heap used after GC %s, native outside the heap"
                + " (NMT) %s, RSS %s.%n%n",
            Footprint.BASELINE,
            megabytes(number(baseline, "heapUsed")),
            megabytes(number(baseline, "nativeBytes")),
            megabytes(number(baseline, "rssBytes"))));
    table(
        out,
        List.of(
            "contender",
            "entries",
            "off-heap budget",
            "load s",
            "heap used after GC",
            "heap committed",
            "direct buffers",
            "native outside heap (NMT)",
            "RSS",
            "**bytes / entry**",
            "RSS Δ / entry"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        rows,
        row -> !isBaseline(row),
        row ->
            List.of(
                row.get("contender"),
                format("%,d", number(row, "entries")),
                row.get("budgetBytes").isEmpty() ? "–" : megabytes(number(row, "budgetBytes")),
                row.get("loadSeconds"),
                megabytes(number(row, "heapUsed")),
                megabytes(number(row, "heapCommitted")),
                megabytes(number(row, "directUsed")),
                megabytes(number(row, "nativeBytes")),
                megabytes(number(row, "rssBytes")),
                "**" + format("%,.0f", decimal(row, "bytesPerEntry")) + "**",
                format("%,.0f", decimal(row, "rssDeltaPerEntry"))));

    out.append("\nMixed run (90 % get, 10 % put, one thread), GC pauses from the GC log:\n\n");
    table(
        out,
        List.of(
            "contender",
            "entries",
            "keys",
            "seconds",
            "ops/s",
            "pauses",
            "pause total ms",
            "longest ms",
            "**ms per 30 s**",
            "ms per million ops",
            "longest during load ms"),
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        rows,
        row -> !isBaseline(row),
        row ->
            List.of(
                row.get("contender"),
                format("%,d", number(row, "entries")),
                row.get("distribution"),
                row.get("mixedSeconds"),
                format("%,d", number(row, "opsPerSecond")),
                row.get("pauseCount"),
                row.get("pauseTotalMs"),
                row.get("pauseMaxMs"),
                "**" + row.get("pauseMsPer30s") + "**",
                row.get("pauseMsPerMillionOps"),
                row.get("loadPauseMaxMs")));

    out.append(
        "\nCellar against the goals of issue 7 (stated for 5M x 1 KiB; the 1M row is indicative):"
            + "\n\n");
    table(
        out,
        List.of(
            "entries",
            "bytes / entry ≤ 1,100",
            "heap after GC < 32 MB",
            "GC pauses < 100 ms per 30 s"),
        "|---:|---|---|---|",
        rows,
        row -> row.get("contender").equals("cellar"),
        row -> {
          double bytes = decimal(row, "bytesPerEntry");
          double heap = number(row, "heapUsed");
          double pauses = decimal(row, "pauseMsPer30s");
          return List.of(
              format("%,d", number(row, "entries")),
              verdict(
                  bytes <= GOAL_BYTES_PER_ENTRY,
                  format("%,.0f", bytes)
                      + format(" (%+.0f %%)", 100 * (bytes / GOAL_BYTES_PER_ENTRY - 1))),
              verdict(heap < GOAL_HEAP, megabytes((long) heap)),
              verdict(pauses < GOAL_PAUSE_MS_PER_30S, format("%.1f ms", pauses)));
        });

    out.append("\nWhere Cellar's bytes per entry go:\n\n");
    table(
        out,
        List.of(
            "entries",
            "key",
            "value",
            "record header",
            "slab rounding",
            "index",
            "journal and marker rings",
            "pages (tails, partly filled)",
            "pooled free pages",
            "other native (JVM)",
            "heap",
            "**total**"),
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        rows,
        row -> row.get("contender").equals("cellar") && !row.get("cellarInUse").isEmpty(),
        row -> {
          double n = number(row, "entries");
          long key = number(row, "cellarKeyBytes");
          long value = number(row, "cellarValueBytes");
          long header = number(row, "cellarHeaderBytes");
          long chunks = number(row, "cellarChunkBytes");
          long index = number(row, "cellarIndexBytes");
          long fixed = number(row, "cellarFixed");
          long inUse = number(row, "cellarInUse");
          long reserved = number(row, "cellarReserved");
          long pages = inUse - fixed - index - chunks;
          long nativeDelta = number(row, "nativeDelta");
          return List.of(
              format("%,d", (long) n),
              perEntry(key, n),
              perEntry(value, n),
              perEntry(header, n),
              perEntry(chunks - key - value - header, n),
              perEntry(index, n),
              perEntry(fixed, n),
              perEntry(pages, n),
              perEntry(reserved - inUse, n),
              perEntry(nativeDelta - reserved, n),
              perEntry(number(row, "heapDelta"), n),
              "**" + format("%.1f", decimal(row, "bytesPerEntry")) + "**");
        });
    return out.toString();
  }

  /** Appends a Markdown table: the header, the alignment row, then one row per selected row. */
  private static void table(
      StringBuilder out,
      List<String> header,
      String alignment,
      List<Map<String, String>> rows,
      Predicate<Map<String, String>> selected,
      Function<Map<String, String>, List<String>> cells) {
    out.append("| ").append(String.join(" | ", header)).append(" |\n");
    out.append(alignment).append('\n');
    for (Map<String, String> row : rows) {
      if (selected.test(row)) {
        out.append("| ").append(String.join(" | ", cells.apply(row))).append(" |\n");
      }
    }
  }

  private static String perEntry(double bytes, double entries) {
    return format("%.1f", bytes / entries);
  }

  private static boolean isBaseline(Map<String, String> row) {
    return row.get("contender").equals(Footprint.BASELINE);
  }

  private static String verdict(boolean pass, String figure) {
    return (pass ? "pass: " : "**fail**: ") + figure;
  }

  private static String megabytes(long bytes) {
    return format("%,.1f MB", bytes / 1e6);
  }

  private static long number(Map<String, String> row, String column) {
    String cell = row.getOrDefault(column, "");
    if (cell.isEmpty()) {
      return 0;
    }
    return cell.contains(".") ? Math.round(Double.parseDouble(cell)) : Long.parseLong(cell);
  }

  private static double decimal(Map<String, String> row, String column) {
    String cell = row.getOrDefault(column, "");
    return cell.isEmpty() ? 0 : Double.parseDouble(cell);
  }

  private static String format(String pattern, Object... arguments) {
    return String.format(Locale.ROOT, pattern, arguments);
  }
}
