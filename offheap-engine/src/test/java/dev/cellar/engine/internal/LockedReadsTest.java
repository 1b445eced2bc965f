package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Which reads copy under the read lock. A record larger than a page may be freed explicitly the
 * moment a writer frees it, so its bytes must only ever be copied while the segment's read lock is
 * held; smaller records keep the optimistic path, copied without any lock. A destination that notes
 * whether the read lock is held at each copy tells them apart.
 */
class LockedReadsTest {
  private static final int PAGE = 4096;
  private static final UnsafeBuffer SMALL = utf8("small");
  private static final UnsafeBuffer LARGE = utf8("large");

  @Test
  void aRecordLargerThanAPageIsCopiedOnlyUnderTheReadLock() {
    Segment segment = segment();
    byte[] small = bytes(100, 1);
    byte[] large = bytes(3 * PAGE + 10, 2);
    long smallRevision = put(segment, SMALL, small);
    long largeRevision = put(segment, LARGE, large);

    Spy spy = new Spy(segment);
    assertEquals(small.length, read(segment, SMALL, spy));
    assertEquals(List.of(false), spy.lockedAtCopy, "a small value is copied optimistically");
    assertBytes(small, spy, 0);

    spy = new Spy(segment);
    assertEquals(large.length, read(segment, LARGE, spy));
    assertTrue(spy.lockedAtCopy.size() >= 1);
    assertFalse(spy.lockedAtCopy.contains(false), "a large value only under the read lock");
    assertBytes(large, spy, 0);

    spy = new Spy(segment);
    assertTrue(segment.reads.resolve(refOf(segment, SMALL), smallRevision, spy));
    assertEquals(List.of(false), spy.lockedAtCopy, "watch cursors resolve small records likewise");

    spy = new Spy(segment);
    assertTrue(segment.reads.resolve(refOf(segment, LARGE), largeRevision, spy));
    assertFalse(spy.lockedAtCopy.contains(false), "and large ones only under the read lock");
    assertBytes(large, spy, RecordDescriptor.HEADER_LENGTH + LARGE.capacity());
    assertFalse(segment.reads.resolve(refOf(segment, LARGE), largeRevision + 1, new Spy(segment)));
  }

  @Test
  void aLargeRecordBuiltFromPagesIsCopiedOnlyUnderTheReadLockToo() {
    Segment segment = segment();
    // Fill the budget with small records (evicting) and forget them: their pages stay pooled, so
    // the large record cannot have a buffer of its own and is built from pages.
    // 900-byte values stay in a size class (a quarter page at most): pages, not buffers of their
    // own.
    int fillers = 1300;
    for (int i = 0; i < fillers; i++) {
      put(segment, utf8("filler-" + i), bytes(900, i));
    }
    long stamp = segment.lock.writeLock();
    try {
      for (int i = 0; i < fillers; i++) {
        UnsafeBuffer key = utf8("filler-" + i);
        int slot = segment.find(KeyHash.hash(key, 0, key.capacity()), key, 0, key.capacity());
        if (slot >= 0) {
          segment.forgetKey(slot);
        }
      }
    } finally {
      segment.lock.unlockWrite(stamp);
    }
    byte[] large = bytes(3 * PAGE + 10, 3);
    put(segment, LARGE, large);
    SlabPage page = segment.allocator.pageOf(refOf(segment, LARGE));
    assertTrue(page.parts != null && page.parts.length == 4, "built from four pages");

    Spy spy = new Spy(segment);
    assertEquals(large.length, read(segment, LARGE, spy));
    assertTrue(spy.lockedAtCopy.size() >= 4, "one copy per part at least");
    assertFalse(spy.lockedAtCopy.contains(false));
    assertBytes(large, spy, 0);
  }

  private static Segment segment() {
    return TestSegments.segment(1 << 20, PAGE, 256);
  }

  private static long put(Segment segment, UnsafeBuffer key, byte[] value) {
    return TestSegments.put(segment, key, new UnsafeBuffer(value));
  }

  private static int read(Segment segment, UnsafeBuffer key, Spy destination) {
    return segment.reads.read(
        KeyHash.hash(key, 0, key.capacity()), key, 0, key.capacity(), destination, 0, null, 0);
  }

  private static long refOf(Segment segment, UnsafeBuffer key) {
    int slot = segment.find(KeyHash.hash(key, 0, key.capacity()), key, 0, key.capacity());
    assertTrue(slot >= 0);
    return SegmentIndex.ref(segment.table(), slot);
  }

  private static void assertBytes(byte[] expected, DirectBuffer actual, int offset) {
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] != actual.getByte(offset + i)) {
        throw new AssertionError("byte " + i + " differs");
      }
    }
  }

  private static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 13 + seed);
    }
    return bytes;
  }

  private static UnsafeBuffer utf8(String text) {
    return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A destination that notes, at every copy into it, whether the segment's read lock is held. */
  private static final class Spy extends ExpandableArrayBuffer {
    final List<Boolean> lockedAtCopy = new ArrayList<>();
    private final Segment segment;

    Spy(Segment segment) {
      super(16);
      this.segment = segment;
    }

    @Override
    public void putBytes(int index, DirectBuffer source, int sourceIndex, int length) {
      lockedAtCopy.add(segment.lock.isReadLocked());
      super.putBytes(index, source, sourceIndex, length);
    }
  }
}
