package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.RecordDescriptor.EXPIRE_AT_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.HEADER_LENGTH;
import static dev.cellar.engine.internal.RecordDescriptor.PREVIOUS_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.REVISION_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.VALUE_LENGTH_OFFSET;

import dev.cellar.engine.RecordOp;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Makes room in one segment when its budget is reached. Called under the segment's write lock.
 *
 * <p>To get a chunk of a size class it first runs a CLOCK hand over that class's chunks: old
 * history versions are freed at once; a marker is forgotten (no revision, as purge-deletes does); a
 * value whose slot's {@link AccessCounts} count is above zero has it decremented and survives;
 * otherwise the value is evicted: its key's latest record becomes an EVICT marker (EXPIRE if its
 * time has come) in the segment's {@link MarkerRing}, with a new, journaled revision, and the
 * value's chunk is free at once. When the class has no pages, or the hand frees nothing, a whole
 * page (or large buffer) is emptied the same way.
 *
 * <p>The key being written is protected: its latest record is never a victim of its own write.
 */
final class SegmentReclaimer {
  private static final int MAX_ROUNDS = 1 << 24;

  private final Segment segment;
  private final SlabAllocator allocator;
  private final int[] handPage;
  private final int[] handChunk;
  private int pageHand;

  SegmentReclaimer(Segment segment) {
    this.segment = segment;
    this.allocator = segment.allocator;
    int classes = allocator.classes().count();
    this.handPage = new int[classes];
    this.handChunk = new int[classes];
  }

  /**
   * A chunk for a record of {@code length} bytes whose first {@code headLength} (header and key)
   * lie in one piece of memory, evicting as needed; never evicts {@code protectedHead}.
   */
  long allocate(long length, long headLength, long protectedHead) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      long ref = allocator.allocate(length, headLength);
      if (ref != RecordRefs.NONE) {
        return ref;
      }
      if (!reclaimFor(length, headLength, protectedHead)) {
        break;
      }
    }
    throw new IllegalStateException(
        "the byte budget ("
            + segment.budget.limit()
            + " bytes for this segment) cannot hold a record of "
            + length
            + " bytes");
  }

  /**
   * Reserves {@code bytes} of fresh memory, emptying pages as needed; false if impossible. Used for
   * an index table larger than a page, the one thing besides a record with a key longer than a page
   * that needs memory of another shape than pooled pages: those are given up to the garbage
   * collector to make the room ({@link SlabAllocator#dropFreePagesFor}).
   */
  boolean reserve(long bytes) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      if (allocator.reserve(bytes)) {
        return true;
      }
      if (allocator.freePageCount() > 0) {
        allocator.dropFreePagesFor(bytes);
        continue;
      }
      if (!evictPage(RecordRefs.NONE)) {
        return false;
      }
    }
    return false;
  }

  /** Empties pages until a whole page can be had for an index table; false if impossible. */
  boolean makePageAvailable() {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      if (allocator.canTakeWholePage()) {
        return true;
      }
      if (!evictPage(RecordRefs.NONE)) {
        return false;
      }
    }
    return false;
  }

  private boolean reclaimFor(long length, long headLength, long protectedHead) {
    int sizeClass = allocator.classes().classOf(length);
    if (sizeClass >= 0) {
      // Its own class first; then, rather than empty a whole page of another class for one record,
      // a class of chunks up to twice the size, whose freed chunk the allocator falls back to.
      int last = allocator.largestFallback(sizeClass);
      for (int swept = sizeClass; swept <= last; swept++) {
        if (!allocator.pagesOf(swept).isEmpty() && sweepClass(swept, length, protectedHead)) {
          return true;
        }
      }
    }
    if (headLength > allocator.pageSize() && allocator.freePageCount() > 0) {
      // Only a buffer of its own can hold a record whose header and key exceed a page, and pooled
      // pages cannot become one: they go to the garbage collector. Any other record larger than a
      // page is built from pooled pages when it must, so emptied pages serve it directly.
      allocator.dropFreePagesFor(allocator.freshCost(length));
      return true;
    }
    return evictPage(protectedHead);
  }

  /** Runs the CLOCK hand over one size class until a chunk of it is free. */
  private boolean sweepClass(int sizeClass, long length, long protectedHead) {
    List<SlabPage> pages = allocator.pagesOf(sizeClass);
    long chunks = 0;
    for (SlabPage page : pages) {
      chunks += page.bumped;
    }
    long budget = (AccessCounts.MAX + 2) * chunks;
    boolean progress = false;
    for (long visit = 0; visit < budget && !pages.isEmpty(); visit++) {
      if (handPage[sizeClass] >= pages.size()) {
        handPage[sizeClass] = 0;
        handChunk[sizeClass] = 0;
      }
      SlabPage page = pages.get(handPage[sizeClass]);
      int chunk = handChunk[sizeClass];
      if (chunk >= page.bumped) {
        handPage[sizeClass]++;
        handChunk[sizeClass] = 0;
        continue;
      }
      handChunk[sizeClass] = chunk + 1;
      long ref = RecordRefs.of(page.id, chunk * page.chunkSize);
      if (visit(ref, protectedHead)) {
        progress = true;
        if (allocator.canAllocate(length)) {
          return true;
        }
      }
    }
    return progress && allocator.canAllocate(length);
  }

  /**
   * Applies the CLOCK rule to the record at {@code ref}; true when memory was freed or a value was
   * turned into a marker.
   */
  private boolean visit(long ref, long protectedHead) {
    UnsafeBuffer page = segment.bufferOf(ref);
    int offset = RecordRefs.offset(ref);
    if (Records.revision(page, offset) == 0) {
      return false;
    }
    int hash = Records.keyHash(page, offset);
    int slot = SegmentIndex.slotOfRef(segment.table(), hash, ref);
    if (slot < 0) {
      return segment.forgetRecord(ref, hash);
    }
    if (ref == protectedHead) {
      return false;
    }
    if (Records.op(page, offset) != RecordOp.PUT.code()) {
      segment.forgetKey(slot);
      return true;
    }
    if (segment.counts.get(slot) > 0) {
      segment.counts.decrement(slot);
      return false;
    }
    long now = segment.context.clock.time();
    RecordOp op = segment.isExpiredValue(ref, now) ? RecordOp.EXPIRE : RecordOp.EVICT;
    evictValue(ref, hash, op, now, protectedHead);
    return true;
  }

  /**
   * Empties the next page (or large buffer) that has a record to free, skipping the one that holds
   * {@code protectedHead}; false when a full turn of the hand found none.
   */
  private boolean evictPage(long protectedHead) {
    List<SlabPage> pages = allocator.allPages();
    for (int tries = 0; tries < pages.size(); tries++) {
      if (pageHand >= pages.size()) {
        pageHand = 0;
      }
      SlabPage page = pages.get(pageHand++);
      if (protectedHead != RecordRefs.NONE && RecordRefs.pageId(protectedHead) == page.id) {
        continue;
      }
      // A page of nothing but chunks a batch has not written yet frees nothing: try the next, and
      // give up after a full turn, rather than let the caller loop under the lock for nothing.
      if (emptyPage(page, protectedHead)) {
        return true;
      }
    }
    return false;
  }

  /** Frees every record on the page; false when there was none to free. */
  private boolean emptyPage(SlabPage page, long protectedHead) {
    boolean freed = false;
    for (int chunk = 0; chunk < page.bumped && page.allIndex >= 0; chunk++) {
      long ref = RecordRefs.of(page.id, chunk * page.chunkSize);
      UnsafeBuffer buffer = page.buffer;
      int offset = RecordRefs.offset(ref);
      if (Records.revision(buffer, offset) == 0) {
        continue;
      }
      int hash = Records.keyHash(buffer, offset);
      int slot = SegmentIndex.slotOfRef(segment.table(), hash, ref);
      if (slot < 0) {
        segment.forgetRecord(ref, hash);
      } else if (Records.op(buffer, offset) != RecordOp.PUT.code()) {
        segment.forgetKey(slot);
      } else {
        long now = segment.context.clock.time();
        RecordOp op = segment.isExpiredValue(ref, now) ? RecordOp.EXPIRE : RecordOp.EVICT;
        evictValue(ref, hash, op, now, protectedHead);
      }
      freed = true;
    }
    return freed;
  }

  /**
   * Evicts the live value at {@code ref} (as {@code op}: EVICT, or EXPIRE when its time has come):
   * the key's latest record becomes a marker in the marker ring, with a new, journaled revision,
   * and the value's chunk and history are freed at once. When the ring cannot take the marker (a
   * very long key), the marker is journaled in place and the key forgotten with it. {@code hash} is
   * the key's, which the caller has already computed from the key bytes.
   */
  private void evictValue(long ref, int hash, RecordOp op, long now, long protectedHead) {
    UnsafeBuffer page = segment.bufferOf(ref);
    int offset = RecordRefs.offset(ref);
    int keyLength = Records.keyLength(page, offset);
    long marker =
        segment.markers.reserve(RecordDescriptor.recordLength(keyLength, 0), protectedHead);
    int slot = SegmentIndex.slotOfRef(segment.table(), hash, ref);
    if (marker == RecordRefs.NONE) {
      rewriteAsMarker(slot, ref, hash, op, now);
      segment.forgetKey(SegmentIndex.slotOfRef(segment.table(), hash, ref));
      return;
    }
    UnsafeBuffer ring = segment.bufferOf(marker);
    int ringOffset = RecordRefs.offset(marker);
    Records.writeHeader(ring, ringOffset, 0L, RecordRefs.NONE, now, keyLength, 0, op.code());
    ring.putBytes(ringOffset + HEADER_LENGTH, page, offset + HEADER_LENGTH, keyLength);
    long revision = segment.context.sequence.next();
    ring.putLongRelease(ringOffset + REVISION_OFFSET, revision);
    SegmentIndex.update(segment.table(), slot, 0, marker);
    segment.counts.set(slot, 0);
    segment.recordCount++;
    segment.liveCount--;
    count(op);
    segment.publish(revision, marker, op, hash, ref);
    segment.freeChain(ref);
  }

  /**
   * Turns the live value at {@code ref} into a marker of {@code op} in the same chunk: its history
   * is freed, it gets a new revision, and the journal and observer hear of it.
   */
  private void rewriteAsMarker(int slot, long ref, int hash, RecordOp op, long now) {
    boolean copied = segment.copyForObserver(ref);
    long older = segment.previous(ref);
    if (older != RecordRefs.NONE) {
      segment.setPrevious(ref, RecordRefs.NONE);
      segment.freeChain(older);
    }
    UnsafeBuffer page = segment.bufferOf(ref);
    int offset = RecordRefs.offset(ref);
    page.putLongVolatile(offset + REVISION_OFFSET, 0L);
    VarHandle.storeStoreFence();
    Records.putWriteTimeAndOp(page, offset, now, op.code());
    page.putInt(offset + VALUE_LENGTH_OFFSET, 0);
    page.putLong(offset + EXPIRE_AT_OFFSET, 0L);
    page.putLong(offset + PREVIOUS_OFFSET, RecordRefs.NONE);
    long revision = segment.context.sequence.next();
    page.putLongRelease(offset + REVISION_OFFSET, revision);
    SegmentIndex.update(segment.table(), slot, 0, ref);
    segment.counts.set(slot, 0);
    segment.liveCount--;
    count(op);
    segment.publishRewrite(revision, ref, op, hash, copied);
  }

  private void count(RecordOp op) {
    if (op == RecordOp.EVICT) {
      segment.context.evictions.incrementAndGet();
    } else {
      segment.context.expirations.incrementAndGet();
    }
  }
}
