package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tour, run on fewer entries, prints consistent figures and loses no key. */
class TourTest {
  private static final int ENTRIES = 20_000;

  @Test
  void summaryFiguresAddUp() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Tour.Summary summary = Tour.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), ENTRIES);
    String printed = bytes.toString(StandardCharsets.UTF_8);

    // Every loaded key is still there: nothing evicted, the get/put section only overwrote one.
    assertEquals(ENTRIES, summary.entries(), printed);
    assertEquals(0, summary.evictions(), printed);
    assertTrue(summary.bytesInUse() > 0 && summary.bytesInUse() <= summary.maxBytes(), printed);
    assertEquals(Tour.MAX_BYTES, summary.maxBytes());

    // One revision per write: the load's puts, then the one put of the get/put section (the
    // refused putIfAbsent takes none).
    assertEquals(ENTRIES, summary.revisionAfterLoad());
    assertEquals(ENTRIES + 1, summary.revisionAfterPut());

    // Every fifth read is of an absent key; all others hit, so no loaded key went missing.
    assertEquals(ENTRIES, summary.reads());
    assertEquals(ENTRIES / 5 * 4, summary.hits(), printed);
    assertEquals(ENTRIES / 5, summary.misses(), printed);
    assertEquals(80.0, summary.hitPercentage(), 0.01);

    assertEquals(
        List.of("CREATED session.bob", "UPDATED session.bob", "EXPIRED session.bob"),
        summary.listenerEvents());
    assertEquals(
        List.of("1 PUT orders.1001.status", "3 PUT orders.1001.status", "4 PUT orders.1002.status"),
        summary.watched());
    assertEquals(4, summary.ordersRevision(), "put, put, update, put; the stale update took none");
    assertTrue(summary.loadOpsPerSecond() > 0 && summary.readOpsPerSecond() > 0);

    assertTrue(printed.contains("get session.alice -> logged in"), printed);
    assertTrue(printed.contains("2026-01-01T09:01:00Z get session.alice -> null"), printed);
    assertTrue(printed.contains("  1 PUT placed\n  3 PUT paid\n"), printed);
    assertTrue(printed.contains("| entries          | 20,000 "), printed);
    assertTrue(printed.contains("hits 16,000, misses 4,000, hit ratio 80.0%"), printed);
  }
}
