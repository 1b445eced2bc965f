package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The tour runs to its end quickly and its closing figures agree with each other. */
class EngineTourTest {
  @Test
  @Timeout(30)
  void tourCompletesWithConsistentSummary() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    long started = System.nanoTime();
    EngineTour.Summary summary =
        EngineTour.run(new PrintStream(printed, true, StandardCharsets.UTF_8));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String text = printed.toString(StandardCharsets.UTF_8);

    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "the tour took " + took);
    assertTrue(text.contains("== Summary"), text);
    assertTrue(text.contains("refused, the key is at revision"), "a CAS should fail:\n" + text);

    assertEquals(EngineTour.MAX_BYTES, summary.maxBytes());
    assertTrue(
        summary.bytesInUse() > 0 && summary.bytesInUse() <= summary.maxBytes(),
        () -> "bytes in use " + summary.bytesInUse() + " vs budget " + summary.maxBytes());
    assertTrue(summary.evictions() > 0, "filling past the budget must evict");
    assertTrue(
        summary.entries() > 0 && summary.entries() <= summary.records(),
        () -> summary.entries() + " entries vs " + summary.records() + " records");
    assertTrue(summary.entries() < EngineTour.FILL_COUNT, "not everything can fit");
    // No expiry in the tour: every revision is a successful write or an eviction.
    assertEquals(summary.writes() + summary.evictions(), summary.revision(), summary::toString);
    assertTrue(summary.watchDelivered() > 0, summary::toString);
  }
}
