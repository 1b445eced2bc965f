package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Misses load, hits do not, writes and removals reach the database. */
class ReadWriteThroughExampleTest {
  @Test
  void loaderAndWriterSeeExactlyWhatTheyShould() throws Exception {
    Printed printed = new Printed();
    ReadWriteThroughExample.Outcome outcome = ReadWriteThroughExample.run(printed.out);
    String text = printed.text();

    // get 1 (miss), get 3 (miss, nothing there), loadAll of 4 (1 was cached already).
    assertEquals(3, outcome.loads(), text);
    assertEquals(1, outcome.writes(), text);
    assertEquals(1, outcome.deletes(), text);
    assertEquals(new TreeMap<>(Map.of(1, "Ada", 3, "Edsger", 4, "Barbara")), outcome.database());
    assertTrue(text.contains("get 1 -> Ada      (a hit)           [loads 1, writes 0"), text);
    assertTrue(text.contains("get 4 -> Barbara  (now cached)     [loads 3,"), text);
  }
}
