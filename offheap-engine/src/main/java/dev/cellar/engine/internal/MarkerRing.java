package dev.cellar.engine.internal;

import org.agrona.BitUtil;
import org.agrona.collections.IntArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A segment's circular log of EVICT markers (and EXPIRE markers made while reclaiming): small
 * records of a header and a key, written one after another and overwritten oldest first.
 *
 * <p>Eviction must free the victim's chunk at once, yet the marker it leaves must stay readable for
 * a while (history, watchers). Writing the marker into the victim's chunk would free nothing until
 * the CLOCK hand came round again; taking a slab chunk for it could need the very memory being
 * reclaimed. The ring is a fixed, budgeted region, so a marker always has room: making room forgets
 * the oldest markers, and with each the key it marks (or unlinks it from a newer record's history).
 *
 * <p>Records keep the ordinary layout, so readers resolve them like any other. Used only under the
 * segment's write lock.
 */
final class MarkerRing {
  /** Size class stamped on the ring's page, so that it is never mistaken for a slab page. */
  static final int RING_CLASS = 0xFFFE;

  private final Segment segment;
  private UnsafeBuffer buffer;
  private SlabPage page;
  private final IntArrayQueue offsets = new IntArrayQueue();
  private int head;

  MarkerRing(Segment segment, UnsafeBuffer buffer, long cost) {
    this.segment = segment;
    this.buffer = buffer;
    this.page = new SlabPage(buffer, RING_CLASS, 0, 0, cost);
    page.id = segment.context.pageTable.register(page);
  }

  /** The page id under which the ring's records are referenced. */
  int pageId() {
    return page.id;
  }

  /** Bytes the ring reserved. */
  long cost() {
    return page.cost;
  }

  /** True when {@code ref} lies in this ring. */
  boolean holds(long ref) {
    return RecordRefs.pageId(ref) == page.id;
  }

  /**
   * Room for a marker of {@code length} bytes, forgetting the oldest markers as needed; 0 when the
   * marker is too long for the ring or making room would forget {@code protectedRef}.
   */
  long reserve(long length, long protectedRef) {
    int aligned = (int) BitUtil.align(length, 8);
    if (length > buffer.capacity() / 4) {
      return RecordRefs.NONE;
    }
    if (head + aligned > buffer.capacity()) {
      while (!offsets.isEmpty() && offsets.peekInt() >= head) {
        if (!dropOldest(protectedRef)) {
          return RecordRefs.NONE;
        }
      }
      head = 0;
    }
    while (!offsets.isEmpty() && offsets.peekInt() >= head && offsets.peekInt() < head + aligned) {
      if (!dropOldest(protectedRef)) {
        return RecordRefs.NONE;
      }
    }
    int offset = head;
    head += aligned;
    offsets.addInt(offset);
    return RecordRefs.of(page.id, offset);
  }

  /** Marks the record at {@code ref} free; its bytes are reused when the ring comes round. */
  void free(long ref) {
    buffer.putLongVolatile(RecordRefs.offset(ref) + RecordDescriptor.REVISION_OFFSET, 0L);
  }

  /** Frees every marker, forgetting nothing: the caller is clearing the whole segment. */
  void reset() {
    while (!offsets.isEmpty()) {
      free(RecordRefs.of(page.id, offsets.pollInt()));
    }
    head = 0;
  }

  /**
   * Unregisters the ring's page and drops its buffer, so a closed bucket that is still referenced
   * keeps no off-heap memory reachable; called when the segment closes.
   */
  void release() {
    reset();
    segment.context.pageTable.release(page.id);
    UnsafeBuffer none = new UnsafeBuffer(new byte[0]);
    long cost = page.cost;
    buffer = none;
    page = new SlabPage(none, RING_CLASS, 0, 0, cost);
  }

  private boolean dropOldest(long protectedRef) {
    long ref = RecordRefs.of(page.id, offsets.peekInt());
    if (ref == protectedRef) {
      return false;
    }
    offsets.pollInt();
    if (Records.revision(buffer, RecordRefs.offset(ref)) != 0) {
      segment.forgetRecord(ref);
    }
    return true;
  }
}
