package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The MXBean and the Dropwizard reporter show the same exact counts. */
class StatisticsExampleTest {
  @Test
  void mxBeanAndReporterAgree() throws Exception {
    Printed printed = new Printed();
    StatisticsExample.Counters counters = StatisticsExample.run(printed.out);
    String text = printed.text();

    assertEquals(6, counters.gets());
    assertEquals(4, counters.hits());
    assertEquals(2, counters.misses());
    assertEquals(3, counters.puts());
    assertEquals(1, counters.removals());
    assertEquals(66.667, counters.hitPercentage(), 0.001);
    assertTrue(
        text.contains(
            "MXBean javax.cache:type=CacheStatistics,CacheManager=cellar.statistics-example,"
                + "Cache=stock\n"),
        text);
    assertTrue(text.contains("gets 6, hits 4, misses 2, puts 3, removals 1, hit percentage 66.7"));
    assertTrue(text.contains("stock.hits\n             value = 4\n"), text);
    assertTrue(text.contains("stock.misses\n             value = 2\n"), text);
    assertTrue(text.contains("stock.entries\n             value = 2\n"), text);
    assertTrue(text.contains("stock.offheap.max-bytes\n             value = 67108864\n"), text);
    assertTrue(text.contains("stock.get\n             count = 6\n"), text);
  }
}
