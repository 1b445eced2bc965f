package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The ring: commit markers, wrap-around, lapping, and late writers that must not go back. */
class JournalTest {
  private final Journal journal =
      new Journal(new UnsafeBuffer(new byte[Journal.ringLength(16)]), 16);
  private final Journal.Entry entry = new Journal.Entry();

  @Test
  void readsWhatWasAppended() {
    journal.append(1, 0xABCDL, 3, 2, 77);
    assertEquals(Journal.FOUND, journal.read(1, entry));
    assertEquals(1, entry.revision);
    assertEquals(0xABCDL, entry.ref);
    assertEquals(3, entry.segment);
    assertEquals(2, entry.op);
    assertEquals(77, entry.keyHash);
    assertEquals(Journal.NOT_YET, journal.read(2, entry));
  }

  @Test
  void wrappingLapsOldRevisions() {
    for (long revision = 1; revision <= 40; revision++) {
      journal.append(revision, revision * 10, 0, 0, 0);
    }
    for (long revision = 1; revision <= 24; revision++) {
      assertEquals(Journal.LAPPED, journal.read(revision, entry), "revision " + revision);
    }
    for (long revision = 25; revision <= 40; revision++) {
      assertEquals(Journal.FOUND, journal.read(revision, entry));
      assertEquals(revision * 10, entry.ref);
    }
    assertEquals(Journal.NOT_YET, journal.read(41, entry));
    assertEquals(16, journal.capacity());
  }

  @Test
  void aLateWriterNeverOverwritesANewerRevision() {
    journal.append(21, 2100, 0, 0, 0);
    journal.append(5, 500, 0, 0, 0);
    assertEquals(Journal.FOUND, journal.read(21, entry));
    assertEquals(2100, entry.ref);
    assertEquals(Journal.LAPPED, journal.read(5, entry));
  }

  @Test
  void aSlotBeingWrittenReadsAsNotYetForItsRevisionAndLappedForOlderOnes() {
    UnsafeBuffer ring = new UnsafeBuffer(new byte[Journal.ringLength(16)]);
    Journal raw = new Journal(ring, 16);
    ring.putLong(JournalDescriptor.REVISION_OFFSET + 4 * JournalDescriptor.LENGTH, -20L);
    assertEquals(Journal.NOT_YET, raw.read(20, entry));
    assertEquals(Journal.LAPPED, raw.read(4, entry));
  }
}
