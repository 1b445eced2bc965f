package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.ref.Reference;
import java.util.Arrays;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The forgotten-marker log on its own: floors, the bound, losses, trimming and readers. */
class ForgottenMarkersTest {
  /** A fake 10-byte "record" whose bytes all equal {@code tag}. */
  private static UnsafeBuffer record(int tag) {
    byte[] bytes = new byte[10];
    Arrays.fill(bytes, (byte) tag);
    return new UnsafeBuffer(bytes);
  }

  private static final long CHARGE = ForgottenMarkers.ENTRY_OVERHEAD + 10L;

  private static void remember(ForgottenMarkers log, long revision) {
    log.remember(revision, record((int) revision), 0, 10);
  }

  private static boolean kept(ForgottenMarkers log, long revision) {
    return log.copy(revision, new ExpandableArrayBuffer(16));
  }

  @Test
  void nothingIsKeptWithoutAReaderOrBelowEveryFloor() {
    ForgottenMarkers log = new ForgottenMarkers(1 << 20);
    assertFalse(log.watched());
    Object owner = new Object();
    ForgottenMarkers.Reader reader = log.register(owner);
    assertTrue(log.watched());
    remember(log, 5);
    assertEquals(0, log.bytes(), "a reader that has published no floor needs nothing yet");
    reader.floor(10);
    remember(log, 9);
    assertEquals(0, log.bytes(), "below the floor");
    remember(log, 10);
    assertEquals(CHARGE, log.bytes());
    ExpandableArrayBuffer out = new ExpandableArrayBuffer(16);
    assertTrue(log.copy(10, out));
    byte[] copied = new byte[10];
    out.getBytes(0, copied);
    assertArrayEquals(record(10).byteArray(), copied);
    assertFalse(kept(log, 9));

    reader.floor(5);
    remember(log, 7);
    assertFalse(kept(log, 7), "a floor never goes down once published");

    reader.floor(11);
    log.trim();
    assertEquals(0, log.bytes(), "trimmed once the reader is past it");
    assertEquals(0, reader.lostThrough());
    log.unregister(reader);
    assertFalse(log.watched());
    // The owners stand for cursors: held until here, or the log would prune their readers.
    Reference.reachabilityFence(owner);
  }

  @Test
  void theLowestRevisionsGoFirstAndOnlyReadersAtOrBelowThemLoseThem() {
    ForgottenMarkers log = new ForgottenMarkers(2 * CHARGE);
    Object slowOwner = new Object();
    Object fastOwner = new Object();
    ForgottenMarkers.Reader slow = log.register(slowOwner);
    ForgottenMarkers.Reader fast = log.register(fastOwner);
    slow.floor(3);
    fast.floor(5);
    remember(log, 6);
    remember(log, 4);
    remember(log, 8);
    assertEquals(2 * CHARGE, log.bytes());
    assertFalse(kept(log, 4));
    assertTrue(kept(log, 6));
    assertTrue(kept(log, 8));
    assertEquals(4, slow.lostThrough());
    assertEquals(0, fast.lostThrough(), "the fast reader was past revision 4");

    LongArrayList triples = new LongArrayList();
    log.collect(5, 8, -1, triples);
    assertEquals(3, triples.size());
    assertEquals(6, triples.getLong(0));
    assertEquals(-1, triples.getLong(1));
    log.collect(8, 8, -1, triples);
    assertEquals(3, triples.size(), "an empty range adds nothing");

    log.restart(slow);
    assertEquals(0, slow.lostThrough());
    Reference.reachabilityFence(slowOwner);
    Reference.reachabilityFence(fastOwner);
  }

  @Test
  void aMarkerLargerThanTheLimitIsLostAtOnceAndZeroKeepsNothing() {
    ForgottenMarkers none = new ForgottenMarkers(0);
    Object owner = new Object();
    ForgottenMarkers.Reader reader = none.register(owner);
    reader.floor(1);
    remember(none, 3);
    assertEquals(0, none.bytes());
    assertEquals(3, reader.lostThrough());
    assertFalse(kept(none, 3));
    assertThrows(IllegalArgumentException.class, () -> new ForgottenMarkers(-1));
    assertEquals(0, none.limit());
    Reference.reachabilityFence(owner);
  }

  @Test
  void theLastReaderToGoAndCloseTakeEverything() {
    ForgottenMarkers log = new ForgottenMarkers(1 << 20);
    Object first = new Object();
    Object second = new Object();
    ForgottenMarkers.Reader a = log.register(first);
    ForgottenMarkers.Reader b = log.register(second);
    a.floor(1);
    b.floor(1);
    remember(log, 2);
    log.unregister(a);
    log.unregister(a);
    assertEquals(CHARGE, log.bytes(), "b still needs it");
    log.unregister(b);
    assertEquals(0, log.bytes());

    ForgottenMarkers.Reader c = log.register(first);
    c.floor(1);
    remember(log, 3);
    log.close();
    assertEquals(0, log.bytes());
    assertFalse(log.watched());
    Reference.reachabilityFence(first);
    Reference.reachabilityFence(second);
  }

  @Test
  void aReaderWhoseOwnerWasCollectedHoldsNothingBack() {
    ForgottenMarkers log = new ForgottenMarkers(1 << 20);
    ForgottenMarkers.Reader abandoned = log.register(new Object());
    abandoned.floor(1);
    for (int i = 0; i < 20 && abandoned.get() != null; i++) {
      System.gc();
    }
    assumeTrue(abandoned.get() == null, "the collector did not clear the reference");
    remember(log, 2);
    assertEquals(0, log.bytes());
    assertFalse(log.watched(), "pruned");
  }
}
