package dev.cellar.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws a JMH CSV result file ({@code -rf csv}, with {@link CpuTimeProfiler}) as a PNG bar chart:
 * one group of bars per benchmark method and parameter set, one bar per contender, each the
 * contender's operations per CPU-second divided by the baseline contender's in the same run (the
 * baseline's bar is 1).
 *
 * <p>Per CPU-second because that is the figure other load on a shared machine moves least (see
 * {@link CpuTimeProfiler}). Usage: {@code java -cp benchmarks.jar
 * dev.cellar.benchmarks.BenchmarkChart results.csv chart.png [baseline]}; the baseline is {@code
 * caffeine} when omitted.
 */
public final class BenchmarkChart {
  private static final String CPU = ":cpu.throughput";

  private BenchmarkChart() {}

  /**
   * Writes the chart of the CSV file named by the first argument to the PNG named by the second.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: BenchmarkChart <jmh-results.csv> <chart.png> [baseline]");
      System.exit(2);
    }
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    String baseline = args.length > 2 ? args[2] : "caffeine";
    CategoryChart chart = chart(lines, baseline);
    String png = args[1].endsWith(".png") ? args[1].substring(0, args[1].length() - 4) : args[1];
    // XChart appends the extension itself.
    BitmapEncoder.saveBitmapWithDPI(chart, png, BitmapEncoder.BitmapFormat.PNG, 144);
  }

  /** The chart for the lines of a JMH CSV file, ratios per CPU-second taken against baseline. */
  static CategoryChart chart(List<String> csvLines, String baseline) {
    List<String> header = BenchmarkSummary.parseLine(csvLines.get(0));
    int benchmarkColumn = header.indexOf("Benchmark");
    int scoreColumn = header.indexOf("Score");
    int contenderColumn = header.indexOf("Param: contender");
    if (benchmarkColumn < 0 || scoreColumn < 0 || contenderColumn < 0) {
      throw new IllegalArgumentException("not a JMH CSV file with a contender parameter");
    }
    List<Integer> paramColumns = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).startsWith("Param: ") && i != contenderColumn) {
        paramColumns.add(i);
      }
    }
    // category -> contender -> ops per CPU-second, in the order JMH ran them.
    Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
    List<String> contenders = new ArrayList<>();
    for (String line : csvLines.subList(1, csvLines.size())) {
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = BenchmarkSummary.parseLine(line);
      String name = cells.get(benchmarkColumn);
      if (!name.endsWith(CPU)) {
        continue;
      }
      String method = name.substring(0, name.indexOf(':'));
      StringBuilder category = new StringBuilder(method.substring(method.lastIndexOf('.') + 1));
      for (int column : paramColumns) {
        category.append(' ').append(cells.get(column));
      }
      String contender = cells.get(contenderColumn);
      if (!contenders.contains(contender)) {
        contenders.add(contender);
      }
      scores
          .computeIfAbsent(category.toString(), k -> new LinkedHashMap<>())
          .put(contender, Double.parseDouble(cells.get(scoreColumn)));
    }
    if (scores.isEmpty()) {
      throw new IllegalArgumentException("no cpu.throughput rows: run with CpuTimeProfiler");
    }

    CategoryChart chart =
        new CategoryChartBuilder()
            .width(Math.max(800, 220 * scores.size()))
            .height(520)
            .title("Operations per CPU-second relative to " + baseline + " (same run)")
            .xAxisTitle("benchmark and parameters")
            .yAxisTitle("ratio to " + baseline)
            .build();
    Styler styler = chart.getStyler();
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisLabelRotation(15);
    chart.getStyler().setYAxisDecimalPattern("0.00");
    List<String> categories = new ArrayList<>(scores.keySet());
    for (String contender : contenders) {
      List<Double> ratios = new ArrayList<>();
      for (String category : categories) {
        Map<String, Double> row = scores.get(category);
        Double score = row.get(contender);
        Double base = row.get(baseline);
        // A missing bar stays at zero rather than shifting the other bars.
        ratios.add(score == null || base == null || base == 0 ? 0.0 : score / base);
      }
      chart.addSeries(contender, categories, ratios);
    }
    return chart;
  }
}
