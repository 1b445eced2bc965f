package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.RecordDescriptor.HEADER_LENGTH;
import static dev.cellar.engine.internal.RecordDescriptor.REVISION_OFFSET;

import dev.cellar.engine.RecordInfo;
import dev.cellar.engine.RecordOp;
import java.util.concurrent.locks.StampedLock;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The reads of one segment: a key's live value ({@link #read}), its latest record, history and
 * record at a revision, and a journaled record by reference ({@link #resolve}). Readers try an
 * optimistic stamp of the segment's {@link StampedLock} twice, then take the read lock. An
 * optimistic reader checks every length and offset against the buffer it follows before using it (a
 * racing writer can leave garbage) and trusts nothing until the stamp validates. Readers write
 * nothing off-heap: a page may be reused for another layout between a reader's validation and its
 * next store, so their one write, the access count, goes to {@link AccessCounts} on the heap.
 *
 * <p><b>Memory an optimistic reader may hold.</b> Pages and index tables are never freed explicitly
 * while the bucket is open (they are pooled, or left to the garbage collector): a reader holding a
 * stale table or page sees old bytes, never freed memory. A record larger than the largest size
 * class (a quarter page) is different when it has a buffer of its own or several pages: the page
 * table never gives its memory to a reader without the lock ({@link PageTable#buffer} is null for
 * it), so such a reader sees that the page exists ({@link PageTable#lockedReads}, a heap read) and
 * reads it under the read lock at once ({@link #LOCKED}). That costs nothing measurable next to
 * copying more than a quarter page, leaves the path of smaller records as it was, and lets the
 * allocator free the record's buffer the moment the record is freed, under the write lock, or build
 * the record from several pooled pages ({@link RecordBytes}).
 */
public final class SegmentReads {
  /** {@link #read} result: no live value. */
  public static final int MISS = -1;

  /** {@link #read} result: the value has expired and should be expired by a writer. */
  public static final int EXPIRED = -2;

  private static final int RETRY = -3;

  /**
   * Optimistic result: the record lies in a buffer that only a reader holding the lock may touch (a
   * record larger than the largest size class, see {@link SlabPage#lockedReads}); read it under the
   * lock at once.
   */
  private static final int LOCKED = -4;

  private static final int OPTIMISTIC_ATTEMPTS = 2;

  private final Segment segment;
  private final StampedLock lock;
  private final BucketContext context;

  SegmentReads(Segment segment) {
    this.segment = segment;
    this.lock = segment.lock;
    this.context = segment.context;
  }

  /**
   * Copies the live value of the key into {@code destination} and returns its length; {@link #MISS}
   * when there is none, {@link #EXPIRED} when the value has expired but is not yet marked so.
   */
  public int read(
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable MutableDirectBuffer destination,
      int destinationOffset,
      @Nullable RecordInfo info,
      long now) {
    for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      long stamp = lock.tryOptimisticRead();
      if (stamp == 0) {
        Thread.onSpinWait();
        continue;
      }
      int result;
      try {
        result =
            readUnlocked(
                hash, key, keyOffset, keyLength, destination, destinationOffset, info, now, stamp);
      } catch (IndexOutOfBoundsException | NullPointerException e) {
        if (lock.validate(stamp)) {
          throw e;
        }
        continue;
      }
      // MISS, EXPIRED and lengths are all above RETRY; the test costs what != RETRY did.
      if (result > RETRY && lock.validate(stamp)) {
        return result;
      }
      if (result == LOCKED) {
        break;
      }
    }
    return readLocked(hash, key, keyOffset, keyLength, destination, destinationOffset, info, now);
  }

  /**
   * {@link #read} under the read lock: after the optimistic attempts failed, or at once for a key
   * whose probe met a record larger than a page. Kept out of {@link #read} so that the hot path
   * stays small.
   */
  private int readLocked(
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable MutableDirectBuffer destination,
      int destinationOffset,
      @Nullable RecordInfo info,
      long now) {
    long stamp = lock.readLock();
    try {
      context.checkOpen();
      int result =
          readUnlocked(
              hash, key, keyOffset, keyLength, destination, destinationOffset, info, now, 0);
      if (result == LOCKED) {
        result =
            readLarge(hash, key, keyOffset, keyLength, destination, destinationOffset, info, now);
      }
      if (result == RETRY) {
        throw new IllegalStateException("index and records disagree under the read lock");
      }
      return result;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private int readUnlocked(
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable MutableDirectBuffer destination,
      int destinationOffset,
      @Nullable RecordInfo info,
      long now,
      long stamp) {
    UnsafeBuffer current = segment.table;
    int capacity = SegmentIndex.capacity(current);
    int slot = SegmentIndex.home(hash, capacity);
    for (int probes = 0; probes < capacity; probes++) {
      long ref = SegmentIndex.ref(current, slot);
      if (ref == RecordRefs.NONE) {
        return MISS;
      }
      if (SegmentIndex.hash(current, slot) == hash) {
        UnsafeBuffer page = context.pageTable.buffer(RecordRefs.pageId(ref));
        if (page == null) {
          return missingPage(ref);
        }
        int offset = RecordRefs.offset(ref);
        if (!Records.headerFits(page, offset)) {
          return RETRY;
        }
        int recordKeyLength = Records.keyLength(page, offset);
        int valueLength = Records.valueLength(page, offset);
        if (!Records.fits(page, offset, recordKeyLength, valueLength)) {
          return RETRY;
        }
        if (recordKeyLength == keyLength
            && Records.keyEquals(page, offset, key, keyOffset, keyLength)) {
          int result =
              copyValue(
                  page,
                  offset,
                  keyLength,
                  valueLength,
                  destination,
                  destinationOffset,
                  info,
                  now,
                  stamp);
          if (result >= 0) {
            // Heap memory, bounded by its size: a bump by a reader whose stamp fails only blurs.
            segment.counts.increment(slot);
          }
          return result;
        }
      }
      slot = SegmentIndex.next(slot, capacity);
    }
    return MISS;
  }

  /**
   * What {@link #readUnlocked} returns for a reference whose page the page segment.table does not
   * give it: {@link #RETRY} when the page is gone (a racing writer freed it), {@link #LOCKED} for a
   * record larger than a page, which this path never touches (its memory may be freed at once or
   * lie in several pages) and {@link #readLarge} reads under the lock. Reads heap memory only; a
   * method of its own so that readUnlocked, the hot path of every get, stays as small as it was.
   */
  private int missingPage(long ref) {
    return context.pageTable.lockedReads(RecordRefs.pageId(ref)) ? LOCKED : RETRY;
  }

  private int copyValue(
      UnsafeBuffer page,
      int offset,
      int keyLength,
      int valueLength,
      @Nullable MutableDirectBuffer destination,
      int destinationOffset,
      @Nullable RecordInfo info,
      long now,
      long stamp) {
    if (Records.op(page, offset) != RecordOp.PUT.code()) {
      return MISS;
    }
    long expireAt = Records.expireAt(page, offset);
    if (expireAt != 0 && now >= expireAt) {
      return EXPIRED;
    }
    if (destination != null) {
      if (!fits(destination, destinationOffset, valueLength)) {
        if (stamp != 0 && !lock.validate(stamp)) {
          return RETRY;
        }
        throw tooSmall(destination, destinationOffset, valueLength);
      }
      destination.putBytes(
          destinationOffset, page, offset + HEADER_LENGTH + keyLength, valueLength);
    }
    if (info != null) {
      info.set(
          Records.revision(page, offset),
          RecordOp.PUT,
          Records.writeTime(page, offset),
          expireAt,
          valueLength);
    }
    return valueLength;
  }

  /** True when {@code length} bytes fit {@code destination} at {@code offset} (or it can grow). */
  private static boolean fits(MutableDirectBuffer destination, int offset, int length) {
    return destination.isExpandable() || (long) offset + length <= destination.capacity();
  }

  private static IllegalArgumentException tooSmall(
      MutableDirectBuffer destination, int offset, int length) {
    return new IllegalArgumentException(
        "destination holds "
            + destination.capacity()
            + " bytes; the value needs "
            + length
            + " at offset "
            + offset);
  }

  /**
   * {@link #readUnlocked} under the read lock for a key whose probe met a record larger than a
   * page: probes again and copies the value from wherever its memory lies. The same guards as
   * without the lock, so an index that disagrees with its records gives {@link #RETRY}, never a
   * read outside a buffer.
   */
  private int readLarge(
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable MutableDirectBuffer destination,
      int destinationOffset,
      @Nullable RecordInfo info,
      long now) {
    UnsafeBuffer current = segment.table;
    int capacity = SegmentIndex.capacity(current);
    int slot = SegmentIndex.home(hash, capacity);
    for (int probes = 0; probes < capacity; probes++) {
      long ref = SegmentIndex.ref(current, slot);
      if (ref == RecordRefs.NONE) {
        return MISS;
      }
      if (SegmentIndex.hash(current, slot) == hash) {
        SlabPage page = context.pageTable.page(RecordRefs.pageId(ref));
        if (page == null) {
          return RETRY;
        }
        UnsafeBuffer head = page.buffer;
        int offset = RecordRefs.offset(ref);
        if (!Records.headerFits(head, offset)) {
          return RETRY;
        }
        int recordKeyLength = Records.keyLength(head, offset);
        int valueLength = Records.valueLength(head, offset);
        // The key lies in the first buffer, the value anywhere in the record's memory.
        if (!Records.fits(head, offset, recordKeyLength, 0)
            || valueLength < 0
            || (long) offset + HEADER_LENGTH + recordKeyLength + valueLength
                > RecordBytes.capacity(page)) {
          return RETRY;
        }
        if (recordKeyLength == keyLength
            && Records.keyEquals(head, offset, key, keyOffset, keyLength)) {
          int result =
              copyLargeValue(
                  page, offset, keyLength, valueLength, destination, destinationOffset, info, now);
          if (result >= 0) {
            segment.counts.increment(slot);
          }
          return result;
        }
      }
      slot = SegmentIndex.next(slot, capacity);
    }
    return MISS;
  }

  /** {@link #copyValue} under the read lock, for a record in any kind of memory. */
  private static int copyLargeValue(
      SlabPage page,
      int offset,
      int keyLength,
      int valueLength,
      @Nullable MutableDirectBuffer destination,
      int destinationOffset,
      @Nullable RecordInfo info,
      long now) {
    UnsafeBuffer head = page.buffer;
    if (Records.op(head, offset) != RecordOp.PUT.code()) {
      return MISS;
    }
    long expireAt = Records.expireAt(head, offset);
    if (expireAt != 0 && now >= expireAt) {
      return EXPIRED;
    }
    if (destination != null) {
      if (!fits(destination, destinationOffset, valueLength)) {
        throw tooSmall(destination, destinationOffset, valueLength);
      }
      RecordBytes.copyOut(
          page, offset + HEADER_LENGTH + keyLength, destination, destinationOffset, valueLength);
    }
    if (info != null) {
      info.set(
          Records.revision(head, offset),
          RecordOp.PUT,
          Records.writeTime(head, offset),
          expireAt,
          valueLength);
    }
    return valueLength;
  }

  /**
   * Copies the key's latest record (a value or a marker) to {@code out} at 0; false when the key
   * has none. Takes the read lock: used off the hot path.
   */
  public boolean copyLatest(
      int hash, DirectBuffer key, int keyOffset, int keyLength, MutableDirectBuffer out) {
    long stamp = lock.readLock();
    try {
      context.checkOpen();
      int slot = segment.find(hash, key, keyOffset, keyLength);
      if (slot < 0) {
        return false;
      }
      segment.copyRecord(SegmentIndex.ref(segment.table, slot), out, 0);
      return true;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * Copies the key's retained records to {@code out}, oldest first, and their offsets in it to
   * {@code offsets}. Returns how many.
   */
  public int copyHistory(
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      MutableDirectBuffer out,
      LongArrayList offsets) {
    long stamp = lock.readLock();
    try {
      context.checkOpen();
      int slot = segment.find(hash, key, keyOffset, keyLength);
      if (slot < 0) {
        return 0;
      }
      LongArrayList chain = new LongArrayList();
      for (long ref = SegmentIndex.ref(segment.table, slot);
          ref != RecordRefs.NONE;
          ref = segment.previous(ref)) {
        chain.addLong(ref);
      }
      int position = 0;
      for (int i = chain.size() - 1; i >= 0; i--) {
        offsets.addLong(position);
        position += segment.copyRecord(chain.getLong(i), out, position);
      }
      return chain.size();
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Copies the key's record of exactly {@code revision} to {@code out}; false if not retained. */
  public boolean copyAtRevision(
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      long revision,
      MutableDirectBuffer out) {
    long stamp = lock.readLock();
    try {
      context.checkOpen();
      int slot = segment.find(hash, key, keyOffset, keyLength);
      for (long ref = slot < 0 ? RecordRefs.NONE : SegmentIndex.ref(segment.table, slot);
          ref != RecordRefs.NONE;
          ref = segment.previous(ref)) {
        long current = segment.revisionOf(ref);
        if (current == revision) {
          segment.copyRecord(ref, out, 0);
          return true;
        }
        if (current < revision) {
          return false;
        }
      }
      return false;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * Copies the record at {@code ref} to {@code out} at 0 if it still has {@code revision}; false
   * when it has been freed or replaced since. Lock-free unless writers keep interfering.
   */
  public boolean resolve(long ref, long revision, MutableDirectBuffer out) {
    for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      long stamp = lock.tryOptimisticRead();
      if (stamp == 0) {
        Thread.onSpinWait();
        continue;
      }
      int result;
      try {
        result = resolveUnlocked(ref, revision, out, false);
        if (lock.validate(stamp) && result != RETRY && result != LOCKED) {
          return result > 0;
        }
      } catch (IndexOutOfBoundsException | NullPointerException e) {
        if (lock.validate(stamp)) {
          throw e;
        }
        continue;
      }
      if (result == LOCKED) {
        break;
      }
    }
    long stamp = lock.readLock();
    try {
      context.checkOpen();
      return resolveUnlocked(ref, revision, out, true) > 0;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * Copies the record at {@code ref} if it has {@code revision}: 1 if it did, 0 if the record is
   * gone, {@link #RETRY} or, without the lock ({@code locked} false), {@link #LOCKED}.
   */
  private int resolveUnlocked(long ref, long revision, MutableDirectBuffer out, boolean locked) {
    int pageId = RecordRefs.pageId(ref);
    UnsafeBuffer page = context.pageTable.buffer(pageId);
    if (page == null) {
      // As in readUnlocked: a record larger than a page is read only under the lock.
      if (!locked) {
        return context.pageTable.lockedReads(pageId) ? LOCKED : 0;
      }
      SlabPage large = context.pageTable.page(pageId);
      return large == null ? 0 : resolveLarge(large, RecordRefs.offset(ref), revision, out);
    }
    int offset = RecordRefs.offset(ref);
    if (!Records.headerFits(page, offset)) {
      return 0;
    }
    if (page.getLongVolatile(offset + REVISION_OFFSET) != revision) {
      return 0;
    }
    int keyLength = Records.keyLength(page, offset);
    int valueLength = Records.valueLength(page, offset);
    if (!Records.fits(page, offset, keyLength, valueLength)) {
      return RETRY;
    }
    out.putBytes(0, page, offset, HEADER_LENGTH + keyLength + valueLength);
    return 1;
  }

  /** {@link #resolveUnlocked} for a page that only a reader holding the lock reaches. */
  private static int resolveLarge(
      SlabPage page, int offset, long revision, MutableDirectBuffer out) {
    if (!Records.headerFits(page.buffer, offset)
        || Records.revision(page.buffer, offset) != revision) {
      return 0;
    }
    int length = Records.length(page.buffer, offset);
    if ((long) offset + length > RecordBytes.capacity(page)) {
      return RETRY;
    }
    RecordBytes.copyOut(page, offset, out, 0, length);
    return 1;
  }
}
