package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The eviction hand gives up at once when nothing it can reach is free to evict. */
class SegmentReclaimerTest {
  private static final int PAGE = 4096;

  @Test
  void pagesOfUnwrittenChunksOnlyEndTheSearchInsteadOfSpinning() {
    Segment segment = TestSegments.segment(64 * PAGE, PAGE, 64);
    // Chunks a batch has taken but not written yet (revision 0) can be neither freed nor evicted;
    // small ones, so that every round of the search also runs the CLOCK hand over their class.
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          IllegalStateException full =
              assertThrows(
                  IllegalStateException.class,
                  () -> {
                    for (int i = 0; i < 10_000; i++) {
                      segment.allocateRecord(8, 200, RecordRefs.NONE);
                    }
                  });
          assertTrue(full.getMessage().contains("cannot hold a record"), full.getMessage());
        });
  }
}
