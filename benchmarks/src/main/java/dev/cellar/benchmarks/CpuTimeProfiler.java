package dev.cellar.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Operations per CPU-second of the whole benchmark JVM (benchmark threads, GC, JIT and any
 * background thread), per iteration: {@code -prof dev.cellar.benchmarks.CpuTimeProfiler}.
 *
 * <p>On a shared machine, wall-clock throughput moves with whatever else runs; CPU time spent by
 * this JVM moves much less, so the ratio of two contenders per CPU-second is the steadier figure.
 * It also charges a contender for work it pushes onto other threads, such as garbage collection.
 * Adds {@code cpu.throughput} (ops per CPU-second) and {@code cpu.cores} (cores this JVM kept busy
 * on average) to every result. JMH runs trial-level set-up inside the first iteration, so that
 * iteration's CPU includes it: keep at least one warm-up iteration.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long cpuBefore;
  private long wallBefore;

  /** Created by JMH in the forked JVM. */
  public CpuTimeProfiler() {
    if (os.getProcessCpuTime() < 0) {
      throw new IllegalStateException("this JVM does not report its process CPU time");
    }
  }

  @Override
  public String getDescription() {
    return "operations per CPU-second of the whole JVM";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    wallBefore = System.nanoTime();
    cpuBefore = os.getProcessCpuTime();
  }

  @Override
  public List<ScalarResult> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = os.getProcessCpuTime() - cpuBefore;
    long wall = System.nanoTime() - wallBefore;
    // All ops, not only the measured ones: the CPU window also covers the iteration's ramp phases.
    long ops = result.getMetadata().getAllOps();
    double perCpuSecond = cpu <= 0 ? Double.NaN : ops * 1e9 / cpu;
    return List.of(
        new ScalarResult("cpu.throughput", perCpuSecond, "ops/cpu-s", AggregationPolicy.AVG),
        new ScalarResult("cpu.cores", (double) cpu / wall, "cores", AggregationPolicy.AVG));
  }
}
