package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.RecordDescriptor.EXPIRE_AT_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.HEADER_LENGTH;
import static dev.cellar.engine.internal.RecordDescriptor.KEY_HASH_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.KEY_LENGTH_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.OPERATION_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.PREVIOUS_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.REVISION_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.SIZE_CLASS_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.VALUE_LENGTH_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.WRITE_TIME_OFFSET;

import dev.cellar.engine.RecordOp;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Makes room in one segment when its budget is reached. Called under the segment's write lock.
 *
 * <p>To get a chunk of a size class it first runs a CLOCK hand over that class's chunks: old
 * history versions are freed at once; a latest record whose frequency byte is above zero has it
 * decremented and survives; otherwise a marker is forgotten (no revision, as purge-deletes does),
 * an expired value becomes an EXPIRE marker and a live value an EVICT marker, both rewritten in
 * place with a new, journaled revision (the marker keeps the chunk until the hand comes round
 * again, so watchers can read it). When the class has no pages, or the hand frees nothing, a whole
 * page (or large buffer) is emptied: its markers forgotten, its values turned into markers that
 * move to free chunks elsewhere when there are any, and forgotten with the page otherwise.
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

  /** A chunk for {@code length} bytes, evicting as needed; never evicts {@code protectedHead}. */
  long allocate(long length, long protectedHead) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      long ref = allocator.allocate(length);
      if (ref != RecordRefs.NONE) {
        return ref;
      }
      if (!reclaimFor(length, protectedHead)) {
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

  /** Reserves {@code bytes} of fresh memory, emptying pages as needed; false if impossible. */
  boolean reserve(long bytes) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      if (segment.budget.tryReserve(bytes)) {
        return true;
      }
      if (!evictPage(RecordRefs.NONE)) {
        return false;
      }
    }
    return false;
  }

  private boolean reclaimFor(long length, long protectedHead) {
    int sizeClass = allocator.classes().classOf(length);
    if (sizeClass >= 0
        && !allocator.pagesOf(sizeClass).isEmpty()
        && sweepClass(sizeClass, length, protectedHead)) {
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
    long budget = (RecordDescriptor.MAX_FREQUENCY + 2) * chunks;
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
      return freeHistoryVersion(ref, hash);
    }
    if (ref == protectedHead) {
      return false;
    }
    int frequency = Records.frequency(page, offset);
    if (frequency > 0) {
      Records.frequency(page, offset, frequency - 1);
      return false;
    }
    if (Records.op(page, offset) != RecordOp.PUT.code()) {
      segment.forgetKey(slot);
      return true;
    }
    long now = segment.context.clock.time();
    rewriteAsMarker(
        slot, ref, segment.isExpiredValue(ref, now) ? RecordOp.EXPIRE : RecordOp.EVICT, now);
    return true;
  }

  /** Empties one page (or large buffer), skipping the one that holds {@code protectedHead}. */
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
      emptyPage(page);
      return true;
    }
    return false;
  }

  private void emptyPage(SlabPage page) {
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
        freeHistoryVersion(ref, hash);
      } else if (Records.op(buffer, offset) != RecordOp.PUT.code()) {
        segment.forgetKey(slot);
      } else {
        long now = segment.context.clock.time();
        RecordOp op = segment.isExpiredValue(ref, now) ? RecordOp.EXPIRE : RecordOp.EVICT;
        moveAsMarker(slot, ref, page.id, op, now);
      }
    }
  }

  /** Frees an older version and everything older than it, unlinking it from its newer neighbour. */
  private boolean freeHistoryVersion(long ref, int hash) {
    UnsafeBuffer page = segment.bufferOf(ref);
    int offset = RecordRefs.offset(ref);
    int slot = segment.find(hash, page, offset + HEADER_LENGTH, Records.keyLength(page, offset));
    if (slot < 0) {
      return false;
    }
    long newer = SegmentIndex.ref(segment.table(), slot);
    while (newer != RecordRefs.NONE && segment.previous(newer) != ref) {
      newer = segment.previous(newer);
    }
    if (newer == RecordRefs.NONE) {
      return false;
    }
    segment.setPrevious(newer, RecordRefs.NONE);
    segment.freeChain(ref);
    return true;
  }

  /**
   * Turns the live value at {@code ref} into a marker of {@code op} in the same chunk: its history
   * is freed, it gets a new revision, and the journal and observer hear of it.
   */
  private void rewriteAsMarker(int slot, long ref, RecordOp op, long now) {
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
    page.putByte(offset + OPERATION_OFFSET, (byte) op.code());
    page.putInt(offset + VALUE_LENGTH_OFFSET, 0);
    page.putLong(offset + EXPIRE_AT_OFFSET, 0L);
    page.putLong(offset + PREVIOUS_OFFSET, RecordRefs.NONE);
    page.putLong(offset + WRITE_TIME_OFFSET, now);
    Records.frequency(page, offset, 0);
    long revision = segment.context.sequence.next();
    page.putLongRelease(offset + REVISION_OFFSET, revision);
    SegmentIndex.update(segment.table(), slot, 0, ref);
    segment.liveCount--;
    count(op);
    segment.publishRewrite(revision, ref, op, Records.keyHash(page, offset), copied);
  }

  /**
   * Turns the live value at {@code ref} into a marker of {@code op} placed in a free chunk outside
   * the page being emptied; when there is none, the marker is journaled and then forgotten with the
   * page.
   */
  private void moveAsMarker(int slot, long ref, int pageId, RecordOp op, long now) {
    UnsafeBuffer page = segment.bufferOf(ref);
    int offset = RecordRefs.offset(ref);
    int keyLength = Records.keyLength(page, offset);
    long target = allocator.allocateExisting(RecordDescriptor.recordLength(keyLength, 0), pageId);
    if (target == RecordRefs.NONE) {
      rewriteAsMarker(slot, ref, op, now);
      segment.forgetKey(
          SegmentIndex.slotOfRef(segment.table(), Records.keyHash(page, offset), ref));
      return;
    }
    UnsafeBuffer targetPage = segment.bufferOf(target);
    int targetOffset = RecordRefs.offset(target);
    int hash = Records.keyHash(page, offset);
    targetPage.putLong(targetOffset + EXPIRE_AT_OFFSET, 0L);
    targetPage.putLong(targetOffset + PREVIOUS_OFFSET, RecordRefs.NONE);
    targetPage.putLong(targetOffset + WRITE_TIME_OFFSET, now);
    targetPage.putInt(targetOffset + KEY_HASH_OFFSET, hash);
    targetPage.putInt(targetOffset + KEY_LENGTH_OFFSET, keyLength);
    targetPage.putInt(targetOffset + VALUE_LENGTH_OFFSET, 0);
    targetPage.putByte(targetOffset + OPERATION_OFFSET, (byte) op.code());
    Records.frequency(targetPage, targetOffset, 0);
    targetPage.putShort(
        targetOffset + SIZE_CLASS_OFFSET, (short) allocator.pageOf(target).sizeClass);
    targetPage.putBytes(targetOffset + HEADER_LENGTH, page, offset + HEADER_LENGTH, keyLength);
    long revision = segment.context.sequence.next();
    targetPage.putLongRelease(targetOffset + REVISION_OFFSET, revision);
    SegmentIndex.update(segment.table(), slot, 0, target);
    segment.recordCount++;
    segment.liveCount--;
    count(op);
    segment.publish(revision, target, op, hash, ref);
    segment.freeChain(ref);
  }

  private void count(RecordOp op) {
    if (op == RecordOp.EVICT) {
      segment.context.evictions.incrementAndGet();
    } else {
      segment.context.expirations.incrementAndGet();
    }
  }
}
