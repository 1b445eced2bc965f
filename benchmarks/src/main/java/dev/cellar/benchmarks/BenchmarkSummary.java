package dev.cellar.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JMH CSV result file ({@code -rf csv}) into a Markdown table with one row per benchmark
 * method and parameter set and one column per contender: throughput, the ratio of each contender to
 * a baseline contender measured in the same run, the same per CPU-second when the run used {@link
 * CpuTimeProfiler}, and allocation per operation when it used {@code -prof gc}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cellar.benchmarks.BenchmarkSummary results.csv
 * [baseline]}; the baseline is the value of the {@code contender} parameter to divide by ({@code
 * chm} when omitted). The table goes to standard output.
 */
public final class BenchmarkSummary {
  private static final String CONTENDER = "contender";
  private static final String ALLOCATION = ":gc.alloc.rate.norm";
  private static final String CPU = ":cpu.throughput";

  private BenchmarkSummary() {}

  /** Prints the table for the CSV file named by the first argument. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: BenchmarkSummary <jmh-results.csv> [baseline-contender]");
      System.exit(2);
    }
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    System.out.print(table(lines, args.length > 1 ? args[1] : "chm"));
  }

  /** The Markdown table for the lines of a JMH CSV file, ratios taken against {@code baseline}. */
  public static String table(List<String> csvLines, String baseline) {
    if (csvLines.isEmpty()) {
      throw new IllegalArgumentException("empty result file");
    }
    List<String> header = parseLine(csvLines.get(0));
    int benchmarkColumn = header.indexOf("Benchmark");
    int threadsColumn = header.indexOf("Threads");
    int scoreColumn = header.indexOf("Score");
    int errorColumn = header.indexOf("Score Error (99.9%)");
    int unitColumn = header.indexOf("Unit");
    List<Integer> paramColumns = new ArrayList<>();
    int contenderColumn = -1;
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).equals("Param: " + CONTENDER)) {
        contenderColumn = i;
      } else if (header.get(i).startsWith("Param: ")) {
        paramColumns.add(i);
      }
    }
    if (benchmarkColumn < 0 || scoreColumn < 0 || contenderColumn < 0) {
      throw new IllegalArgumentException("not a JMH CSV file with a contender parameter");
    }

    Set<String> contenders = new LinkedHashSet<>();
    Map<String, Row> rows = new LinkedHashMap<>();
    boolean hasCpu = false;
    for (String line : csvLines.subList(1, csvLines.size())) {
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = parseLine(line);
      String name = cells.get(benchmarkColumn);
      boolean allocation = name.endsWith(ALLOCATION);
      boolean cpu = name.endsWith(CPU);
      if (name.contains(":") && !allocation && !cpu) {
        continue;
      }
      String method = shortName(name.contains(":") ? name.substring(0, name.indexOf(':')) : name);
      StringBuilder params = new StringBuilder();
      for (int column : paramColumns) {
        params.append(params.length() == 0 ? "" : ", ").append(cells.get(column));
      }
      String key = method + " | " + cells.get(threadsColumn) + " | " + params;
      Row row = rows.computeIfAbsent(key, k -> new Row());
      String contender = cells.get(contenderColumn);
      contenders.add(contender);
      double score = Double.parseDouble(cells.get(scoreColumn));
      if (allocation) {
        row.bytesPerOp.put(contender, score);
      } else if (cpu) {
        row.perCpuSecond.put(contender, score);
        hasCpu = true;
      } else {
        row.unit = cells.get(unitColumn);
        row.score.put(contender, score);
        row.error.put(contender, Double.parseDouble(cells.get(errorColumn)));
      }
    }

    List<String> others = new ArrayList<>(contenders);
    others.remove(baseline);
    StringBuilder out = new StringBuilder();
    out.append("| benchmark | threads | ");
    for (int column : paramColumns) {
      out.append(header.get(column).substring("Param: ".length())).append(", ");
    }
    out.setLength(out.length() - 2);
    out.append(" |");
    for (String contender : contenders) {
      out.append(' ').append(contender).append(" ops/s |");
    }
    for (String contender : others) {
      out.append(' ').append(contender).append('/').append(baseline).append(" |");
    }
    if (hasCpu) {
      for (String contender : contenders) {
        out.append(' ').append(contender).append(" ops/cpu-s |");
      }
      for (String contender : others) {
        out.append(' ').append(contender).append('/').append(baseline).append(" per cpu-s |");
      }
    }
    for (String contender : contenders) {
      out.append(' ').append(contender).append(" B/op |");
    }
    int numeric = contenders.size() * 2 + others.size();
    if (hasCpu) {
      numeric += contenders.size() + others.size();
    }
    out.append('\n').append("|---|---:|---|").append("---:|".repeat(numeric)).append('\n');
    for (Map.Entry<String, Row> entry : rows.entrySet()) {
      Row row = entry.getValue();
      out.append("| ").append(entry.getKey()).append(" |");
      for (String contender : contenders) {
        out.append(' ').append(throughput(row, contender)).append(" |");
      }
      for (String contender : others) {
        out.append(' ').append(ratio(row.score, contender, baseline)).append(" |");
      }
      if (hasCpu) {
        for (String contender : contenders) {
          Double score = row.perCpuSecond.get(contender);
          out.append(' ').append(score == null ? "–" : millions(score)).append(" |");
        }
        for (String contender : others) {
          out.append(' ').append(ratio(row.perCpuSecond, contender, baseline)).append(" |");
        }
      }
      for (String contender : contenders) {
        Double bytes = row.bytesPerOp.get(contender);
        out.append(' ')
            .append(bytes == null ? "–" : String.format(Locale.ROOT, "%.2f", bytes))
            .append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String ratio(Map<String, Double> scores, String contender, String baseline) {
    Double score = scores.get(contender);
    Double base = scores.get(baseline);
    return score == null || base == null || base == 0
        ? "–"
        : String.format(Locale.ROOT, "**%.2f**", score / base);
  }

  private static String millions(double score) {
    return score >= 1e6
        ? String.format(Locale.ROOT, "%.2f M", score / 1e6)
        : String.format(Locale.ROOT, "%,.0f", score);
  }

  private static String throughput(Row row, String contender) {
    Double score = row.score.get(contender);
    if (score == null) {
      return "–";
    }
    String value =
        row.unit.equals("ops/s") ? millions(score) : String.format(Locale.ROOT, "%,.0f", score);
    double error = row.error.get(contender);
    return Double.isNaN(error) || score == 0
        ? value
        : value + String.format(Locale.ROOT, " ± %.0f%%", 100 * error / score);
  }

  private static String shortName(String benchmark) {
    int dot = benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1);
    return benchmark.substring(dot + 1);
  }

  /** Splits one CSV line; JMH quotes text cells and never puts quotes inside them. */
  static List<String> parseLine(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }

  /** One benchmark method and parameter set, every contender's figures. */
  private static final class Row {
    final Map<String, Double> score = new LinkedHashMap<>();
    final Map<String, Double> error = new LinkedHashMap<>();
    final Map<String, Double> bytesPerOp = new LinkedHashMap<>();
    final Map<String, Double> perCpuSecond = new LinkedHashMap<>();
    String unit = "";
  }
}
