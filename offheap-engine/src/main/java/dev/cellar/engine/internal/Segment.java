package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.RecordDescriptor.EXPIRE_AT_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.HEADER_LENGTH;
import static dev.cellar.engine.internal.RecordDescriptor.PREVIOUS_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.REVISION_OFFSET;

import dev.cellar.engine.MutationObserver;
import dev.cellar.engine.RecordOp;
import dev.cellar.engine.RecordView;
import dev.cellar.engine.WriteOutcome;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.locks.StampedLock;
import java.util.function.LongSupplier;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * One segment of a bucket: an index table, an allocator and a {@link StampedLock}.
 *
 * <p><b>Lock protocol.</b> Writers hold the write lock for the memory change only; the revision is
 * claimed inside it and stored last with release semantics, the journal is appended and the
 * observer told before the lock is released. An observer's failure is held until the locked section
 * is complete and thrown after the unlock ({@link #unlockWrite}), so it never leaves a mutation
 * half done. Readers ({@link SegmentReads}) try an optimistic stamp first and write nothing
 * off-heap; that class also says what memory an optimistic reader may hold.
 */
public final class Segment {
  /**
   * How full, in 32nds, the index may get (29: 90.6 %, rather than three quarters) when the grown
   * table would be larger than a page and the segment has no free memory for it. Growing there
   * takes the memory from evicted values: at 100-byte values a table doubled that way (before
   * tables grew by half) sat at 40 % load, cost 41 bytes per entry, and the segment held 12 % fewer
   * entries (HitRatios: uniform gets hit 51.0 % of the time against 57.0 %, Zipfian ones 92.8 %
   * against 93.9 %). The price is longer probes: a lookup that misses walks some 40 slots at 88 %
   * load, and a full cache of 100-byte values did about 10 % fewer operations per CPU-second on
   * uniform keys. A table up to a page takes a whole pooled page whatever its size, so there the
   * limit stays three quarters.
   */
  static final int FULL_SEGMENT_LOAD = 29;

  final int index;
  final BucketContext context;
  final MemoryBudget budget;
  final SlabAllocator allocator;
  final StampedLock lock = new StampedLock();
  final int initialSlots;
  final SegmentReclaimer reclaimer;
  final MarkerRing markers;

  /** The whole-table passes: expiry sweep, marker purge, key and replay collection. */
  public final SegmentScans scans;

  /** Reads of one key or one record: optimistic first, under the read lock when they must. */
  public final SegmentReads reads;

  private final ExpandableArrayBuffer observerCopy = new ExpandableArrayBuffer(256);
  private final RecordView previousView = new RecordView();
  private final RecordView recordView = new RecordView();
  volatile UnsafeBuffer table;

  /** CLOCK frequencies, one per slot of {@link #table}; replaced with it. */
  AccessCounts counts;

  private long tableCost;

  /**
   * The observer's first failure in the current write-locked section, and the revision it failed
   * on. Guarded by the write lock: {@link #publish} sets it and carries on, so the mutation
   * completes; whoever ends the section takes it and throws it once the lock is released.
   */
  private @Nullable Throwable observerFailure;

  private long observerFailureRevision;

  /** The pooled page the index table lives in, or null for a table of its own. */
  private @Nullable UnsafeBuffer tablePage;

  /** The initial table, kept for the segment's life and reused whenever the index shrinks back. */
  private UnsafeBuffer initialTable;

  private final long initialTableCost;

  /** Counts table replacements, so a pass over slot numbers can tell that its table changed. */
  int tableGeneration;

  /** Keys in the index: live values and markers. */
  int keys;

  volatile long liveCount;
  volatile long recordCount;

  /**
   * A segment with {@code budget} bytes, pages of {@code pageSize} and a table of {@code slots}.
   */
  public Segment(int index, BucketContext context, MemoryBudget budget, int pageSize, int slots) {
    this.index = index;
    this.context = context;
    this.budget = budget;
    this.allocator = new SlabAllocator(context.pageTable, budget, pageSize);
    this.initialSlots = slots;
    this.reclaimer = new SegmentReclaimer(this);
    int initialLength = slots * IndexDescriptor.SLOT_LENGTH;
    this.initialTableCost = DirectMemory.cost(initialLength);
    UnsafeBuffer initial =
        budget.tryReserve(initialTableCost) ? DirectMemory.allocate(initialLength) : null;
    if (initial == null) {
      throw new IllegalArgumentException("the byte budget cannot hold even an empty index");
    }
    this.initialTable = initial;
    this.table = initial;
    this.counts = new AccessCounts(slots);
    this.tableCost = initialTableCost;
    int ringLength = markerRingLength(budget.limit());
    long ringCost = DirectMemory.cost(ringLength);
    UnsafeBuffer ring = budget.tryReserve(ringCost) ? DirectMemory.allocate(ringLength) : null;
    if (ring == null) {
      throw new IllegalArgumentException("the byte budget cannot hold the eviction marker ring");
    }
    this.markers = new MarkerRing(this, ring, ringCost);
    this.scans = new SegmentScans(this);
    this.reads = new SegmentReads(this);
  }

  /**
   * A 128th of the segment's share, from 16 KiB to 1 MiB: about one marker per 1.8 values of 1 KiB.
   * The ring is reserved up front whatever the bucket holds; a 32nd cost 53 bytes per 1 KiB entry.
   */
  static int markerRingLength(long share) {
    long length = Math.max(16 << 10, Math.min(1 << 20, share / 128));
    return (int) (length & ~63L);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Writes a record of {@code op} for the key if the condition holds and returns the outcome as
   * {@link WriteOutcome} describes. {@code expected} is {@link WriteOutcome#ANY_REVISION}, 0 (no
   * live value) or the revision the latest record must have; a DELETE also needs a live value.
   * {@code expireAt} may be {@link dev.cellar.engine.OffHeapBucket#KEEP_EXPIRY}.
   */
  public long write(
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable DirectBuffer value,
      int valueOffset,
      int valueLength,
      RecordOp op,
      long expected,
      long expireAt) {
    long stamp = lock.writeLock();
    try {
      context.checkOpen();
      long now = context.clock.time();
      int slot = find(hash, key, keyOffset, keyLength);
      long head = slot < 0 ? RecordRefs.NONE : SegmentIndex.ref(table, slot);
      if (head != RecordRefs.NONE && isExpiredValue(head, now)) {
        head =
            appendRecord(
                hash, key, keyOffset, keyLength, null, 0, 0, RecordOp.EXPIRE, 0L, head, slot, now);
      }
      boolean live = head != RecordRefs.NONE && opOf(head) == RecordOp.PUT.code();
      long headRevision = head == RecordRefs.NONE ? 0 : revisionOf(head);
      boolean allowed =
          expected == WriteOutcome.ANY_REVISION
              || (expected == 0 ? !live : headRevision == expected);
      if (!allowed || (op == RecordOp.DELETE && !live)) {
        return -headRevision;
      }
      long newExpireAt = expireAt;
      if (expireAt == dev.cellar.engine.OffHeapBucket.KEEP_EXPIRY) {
        newExpireAt = live ? expireAtOf(head) : 0L;
      }
      int length = op == RecordOp.PUT ? valueLength : 0;
      long ref =
          appendRecord(
              hash,
              key,
              keyOffset,
              keyLength,
              value,
              valueOffset,
              length,
              op,
              op == RecordOp.PUT ? newExpireAt : 0L,
              head,
              slot,
              now);
      return revisionOf(ref);
    } catch (RuntimeException | Error e) {
      suppressObserverFailure(e);
      throw e;
    } finally {
      unlockWrite(stamp);
    }
  }

  /** Writes an EXPIRE marker if the key's latest record is an expired value; true if it did. */
  public boolean expire(int hash, DirectBuffer key, int keyOffset, int keyLength) {
    long stamp = lock.writeLock();
    try {
      context.checkOpen();
      long now = context.clock.time();
      int slot = find(hash, key, keyOffset, keyLength);
      if (slot < 0) {
        return false;
      }
      long head = SegmentIndex.ref(table, slot);
      if (!isExpiredValue(head, now)) {
        return false;
      }
      appendRecord(hash, key, keyOffset, keyLength, null, 0, 0, RecordOp.EXPIRE, 0L, head, now);
      return true;
    } catch (RuntimeException | Error e) {
      suppressObserverFailure(e);
      throw e;
    } finally {
      unlockWrite(stamp);
    }
  }

  /**
   * Sets the expire-at of the key's live value in place, without a new revision (access-based
   * expiry). Returns the value's revision, or 0 when there is no live value.
   */
  public long touch(int hash, DirectBuffer key, int keyOffset, int keyLength, long expireAt) {
    long stamp = lock.writeLock();
    try {
      context.checkOpen();
      long now = context.clock.time();
      int slot = find(hash, key, keyOffset, keyLength);
      if (slot < 0) {
        return 0;
      }
      long head = SegmentIndex.ref(table, slot);
      if (opOf(head) != RecordOp.PUT.code() || isExpiredValue(head, now)) {
        return 0;
      }
      bufferOf(head).putLong(RecordRefs.offset(head) + EXPIRE_AT_OFFSET, expireAt);
      SegmentIndex.update(table, slot, expiryHint(expireAt), head);
      return revisionOf(head);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * Appends a new record for the key whose latest record is {@code head} (or none), links the
   * history, trims it, journals the revision and tells the observer. Returns the new reference.
   * Caller holds the write lock.
   *
   * <p>Three steps, split so that a multi-key commit ({@link BatchCommit}) can run the first for
   * all its records before the others: {@link #ensureRoomForKeys} and {@link #allocateRecord} may
   * evict (which claims revisions for EVICT and EXPIRE markers), {@link #writeRecord} never does. A
   * single write claims its revision between the two, as it always did.
   */
  long appendRecord(
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable DirectBuffer value,
      int valueOffset,
      int valueLength,
      RecordOp op,
      long expireAt,
      long head,
      long now) {
    return appendRecord(
        hash,
        key,
        keyOffset,
        keyLength,
        value,
        valueOffset,
        valueLength,
        op,
        expireAt,
        head,
        -1,
        now);
  }

  /**
   * {@link #appendRecord(int, DirectBuffer, int, int, DirectBuffer, int, int, RecordOp, long, long,
   * long)} for a caller that found {@code head} at index slot {@code headSlot} (-1 if unknown): the
   * index is updated there without a second probe, unless eviction moved the key meanwhile.
   */
  long appendRecord(
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable DirectBuffer value,
      int valueOffset,
      int valueLength,
      RecordOp op,
      long expireAt,
      long head,
      int headSlot,
      long now) {
    if (head == RecordRefs.NONE) {
      ensureRoomForKeys(1);
    }
    long ref = allocateRecord(keyLength, valueLength, head);
    long revision = context.sequence.next();
    writeRecord(
        ref,
        revision,
        hash,
        key,
        keyOffset,
        keyLength,
        value,
        valueOffset,
        valueLength,
        op,
        expireAt,
        head,
        headSlot,
        now);
    return ref;
  }

  /**
   * A chunk for a record of these lengths, evicting other keys as needed but never {@code head}.
   * The chunk's revision word stays 0 until {@link #writeRecord} publishes it, so the reclaimer
   * skips it (as it skips free chunks) and no reader resolves it. Give an unused chunk back with
   * {@link #freeUnwritten}. Caller holds the write lock.
   */
  long allocateRecord(int keyLength, int valueLength, long head) {
    return reclaimer.allocate(
        RecordDescriptor.recordLength(keyLength, valueLength),
        RecordDescriptor.recordLength(keyLength, 0),
        head);
  }

  /** Frees a chunk from {@link #allocateRecord} that was never written. Caller holds the lock. */
  void freeUnwritten(long ref) {
    allocator.free(ref);
  }

  /**
   * Writes the record into {@code ref} (from {@link #allocateRecord}) with {@code revision}
   * (already claimed) over the key's latest record {@code head}: the revision is stored last with
   * release semantics, then the index points at the record, the journal and observer hear of it and
   * the history is trimmed (a PURGE frees it). Evicts nothing and claims no revision. A new key
   * ({@code head} none) needs a free index slot, which {@link #ensureRoomForKeys} made. Caller
   * holds the write lock.
   */
  void writeRecord(
      long ref,
      long revision,
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable DirectBuffer value,
      int valueOffset,
      int valueLength,
      RecordOp op,
      long expireAt,
      long head,
      long now) {
    writeRecord(
        ref,
        revision,
        hash,
        key,
        keyOffset,
        keyLength,
        value,
        valueOffset,
        valueLength,
        op,
        expireAt,
        head,
        -1,
        now);
  }

  /** {@link #writeRecord} with the index slot {@code head} was found at, -1 if unknown. */
  private void writeRecord(
      long ref,
      long revision,
      int hash,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable DirectBuffer value,
      int valueOffset,
      int valueLength,
      RecordOp op,
      long expireAt,
      long head,
      int headSlot,
      long now) {
    SlabPage slab = allocator.pageOf(ref);
    UnsafeBuffer page = slab.buffer;
    int offset = RecordRefs.offset(ref);
    Records.writeHeader(
        page,
        offset,
        expireAt,
        op == RecordOp.PURGE ? RecordRefs.NONE : head,
        now,
        keyLength,
        valueLength,
        op.code());
    RecordBytes.copyIn(slab, offset + HEADER_LENGTH, key, keyOffset, keyLength);
    if (value != null && valueLength > 0) {
      RecordBytes.copyIn(slab, offset + HEADER_LENGTH + keyLength, value, valueOffset, valueLength);
    }
    page.putLongRelease(offset + REVISION_OFFSET, revision);

    boolean wasLive = head != RecordRefs.NONE && opOf(head) == RecordOp.PUT.code();
    int hint = op == RecordOp.PUT ? expiryHint(expireAt) : 0;
    if (head == RecordRefs.NONE) {
      int slot = SegmentIndex.emptySlot(table, hash);
      SegmentIndex.set(table, slot, hash, hint, ref);
      // A new key earns its count by being read: its chunk lies just behind the hand, so it has a
      // turn of the hand for that, and a key never read goes before any that was (HitRatios: 92.7
      // against 92.3 % on Zipfian keys, 68.8 against 67.2 % with scans, when it started at one).
      counts.set(slot, 0);
      keys++;
    } else {
      // A reference sits in one slot at most, so a hint that still holds head is head's slot,
      // whatever eviction or a resize did since it was found.
      int slot =
          headSlot >= 0
                  && headSlot < SegmentIndex.capacity(table)
                  && SegmentIndex.ref(table, headSlot) == head
              ? headSlot
              : SegmentIndex.slotOfRef(table, hash, head);
      SegmentIndex.update(table, slot, hint, ref);
      // A rewritten value keeps what its key earned; a marker's count means nothing.
      counts.set(slot, op == RecordOp.PUT ? Math.max(1, counts.get(slot)) : 0);
    }
    recordCount++;
    liveCount += (op == RecordOp.PUT ? 1 : 0) - (wasLive ? 1 : 0);
    if (op == RecordOp.EXPIRE) {
      context.expirations.incrementAndGet();
    }
    publish(revision, ref, op, hash, head);
    if (op == RecordOp.PURGE) {
      freeChain(head);
    } else {
      trimHistory(ref);
    }
  }

  /**
   * Journals {@code revision} and tells the observer, with the previous head still intact. An
   * observer failure is kept for {@link #unlockWrite}: the caller goes on to complete the mutation.
   */
  void publish(long revision, long ref, RecordOp op, int hash, long previousRef) {
    context.journal().append(revision, ref, index, op.code(), hash);
    MutationObserver observer = context.observer;
    if (observer != MutationObserver.NONE) {
      @Nullable RecordView previous =
          previousRef == RecordRefs.NONE ? null : wrapRecord(previousView, previousRef);
      try {
        observer.onMutation(previous, wrapRecord(recordView, ref));
      } catch (Throwable failure) {
        observerFailed(failure, revision);
      } finally {
        releaseViews();
      }
    }
  }

  /** Like {@link #publish} for a record rewritten in place: the previous state was copied first. */
  void publishRewrite(long revision, long ref, RecordOp op, int hash, boolean hadCopy) {
    context.journal().append(revision, ref, index, op.code(), hash);
    MutationObserver observer = context.observer;
    if (observer != MutationObserver.NONE) {
      @Nullable RecordView previous = hadCopy ? previousView.wrap(observerCopy, 0) : null;
      try {
        observer.onMutation(previous, wrapRecord(recordView, ref));
      } catch (Throwable failure) {
        observerFailed(failure, revision);
      } finally {
        releaseViews();
      }
    }
  }

  // Thrown at once, the observer's failure would cut the mutation short: half a batch, revisions
  // claimed but never journaled (every watch stalls), chains never freed. So it is kept until the
  // locked section is over.
  private void observerFailed(Throwable failure, long revision) {
    if (observerFailure == null) {
      observerFailure = failure;
      observerFailureRevision = revision;
    }
  }

  /**
   * The revision the observer first failed on in this write-locked section, {@link Long#MAX_VALUE}
   * when it has not failed. Caller holds the write lock.
   */
  private long observerFailureRevision() {
    return observerFailure == null ? Long.MAX_VALUE : observerFailureRevision;
  }

  /**
   * Takes the observer's first failure in this write-locked section, or null; the next section
   * starts clean. Caller holds the write lock.
   */
  @Nullable Throwable takeObserverFailure() {
    Throwable failure = observerFailure;
    observerFailure = null;
    return failure;
  }

  /**
   * For a write-locked section that failed with {@code failure}: the observer's failure in it, if
   * any, is added to {@code failure} as suppressed instead of being thrown, since the operation
   * itself did not complete. Caller holds the write lock.
   */
  void suppressObserverFailure(Throwable failure) {
    Throwable observed = takeObserverFailure();
    if (observed != null && observed != failure) {
      failure.addSuppressed(observed);
    }
  }

  /**
   * Ends a write-locked section: releases the lock, then throws the observer's first failure in the
   * section, if any (see {@link MutationObserver}).
   */
  void unlockWrite(long stamp) {
    Throwable failure = takeObserverFailure();
    lock.unlockWrite(stamp);
    if (failure != null) {
      rethrow(failure);
    }
  }

  /**
   * Throws {@code failure}: as it is when unchecked, wrapped when it is a checked exception, which
   * only an observer that throws one sneakily can produce.
   */
  public static void rethrow(Throwable failure) {
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    throw new UndeclaredThrowableException(failure, "the mutation observer failed");
  }

  /**
   * Points the observer's views at nothing once the call is over: a view left on a page would keep
   * that page reachable after it is freed, memory the budget no longer counts.
   */
  private void releaseViews() {
    previousView.clear();
    recordView.clear();
  }

  /**
   * Points {@code view} at the record at {@code ref} for the observer: in place, or, for a record
   * built from several pages, at a heap copy (a view needs the record in one buffer).
   */
  private RecordView wrapRecord(RecordView view, long ref) {
    SlabPage page = allocator.pageOf(ref);
    int offset = RecordRefs.offset(ref);
    if (page.parts == null) {
      return view.wrap(page.buffer, offset);
    }
    UnsafeBuffer copy = new UnsafeBuffer(new byte[Records.length(page.buffer, offset)]);
    RecordBytes.copyOut(page, offset, copy, 0, copy.capacity());
    return view.wrap(copy, 0);
  }

  /** Copies the record at {@code ref} for the observer before it is rewritten in place. */
  boolean copyForObserver(long ref) {
    if (context.observer == MutationObserver.NONE) {
      return false;
    }
    copyRecord(ref, observerCopy, 0);
    return true;
  }

  /** Keeps at most {@code history} records in the chain from {@code ref}; frees the rest. */
  private void trimHistory(long ref) {
    int kept = 1;
    long holder = ref;
    long older = previous(ref);
    while (older != RecordRefs.NONE && kept < context.history) {
      kept++;
      holder = older;
      older = previous(older);
    }
    if (older != RecordRefs.NONE) {
      setPrevious(holder, RecordRefs.NONE);
      freeChain(older);
    }
  }

  /** Frees {@code ref} and every older record linked from it. Caller holds the write lock. */
  void freeChain(long ref) {
    while (ref != RecordRefs.NONE) {
      long older = previous(ref);
      if (markers.holds(ref)) {
        markers.free(ref);
      } else {
        allocator.free(ref);
      }
      recordCount--;
      ref = older;
    }
  }

  /**
   * Removes the key whose latest record is at {@code slot}, freeing its chain; no revision. Every
   * caller forgets a key whose latest record is a marker (a value is first turned into one, with a
   * revision); while a watch cursor is open, that marker goes to the bucket's {@link
   * ForgottenMarkers} first, so that a cursor which has not read it yet still can.
   */
  void forgetKey(int slot) {
    long head = SegmentIndex.ref(table, slot);
    int op = opOf(head);
    if (op == RecordOp.PUT.code()) {
      liveCount--;
    } else if (context.forgotten.watched()) {
      UnsafeBuffer page = bufferOf(head);
      int offset = RecordRefs.offset(head);
      context.forgotten.remember(
          Records.revision(page, offset), page, offset, Records.length(page, offset));
    }
    SegmentIndex.remove(table, slot, counts);
    keys--;
    freeChain(head);
    maybeShrink();
  }

  /**
   * Forgets the record at {@code ref}, wherever it sits: as a key's latest record the key goes (no
   * revision); as an older version it is unlinked from its newer neighbour and freed with
   * everything older. False when the record is in no chain.
   */
  boolean forgetRecord(long ref) {
    UnsafeBuffer page = bufferOf(ref);
    return forgetRecord(ref, Records.keyHash(page, RecordRefs.offset(ref)));
  }

  /** {@link #forgetRecord(long)} for a caller that has already hashed the record's key. */
  boolean forgetRecord(long ref, int hash) {
    UnsafeBuffer page = bufferOf(ref);
    int offset = RecordRefs.offset(ref);
    int slot = SegmentIndex.slotOfRef(table, hash, ref);
    if (slot >= 0) {
      forgetKey(slot);
      return true;
    }
    slot = find(hash, page, offset + HEADER_LENGTH, Records.keyLength(page, offset));
    if (slot < 0) {
      return false;
    }
    long newer = SegmentIndex.ref(table, slot);
    while (newer != RecordRefs.NONE && previous(newer) != ref) {
      newer = previous(newer);
    }
    if (newer == RecordRefs.NONE) {
      return false;
    }
    setPrevious(newer, RecordRefs.NONE);
    freeChain(ref);
    return true;
  }

  /**
   * Empties every segment at once, as one step: their write locks are taken together (as a batch
   * commit takes them), so no atomic commit is ever half erased; then the bucket's clear count
   * moves on, which makes every watch cursor reset.
   */
  public static void clearAll(Segment[] segments, BucketContext context) {
    underWriteLocks(
        segments,
        context,
        () -> {
          try {
            for (Segment segment : segments) {
              segment.clearLocked();
            }
          } finally {
            // Even a clear that failed part-way erased records without revisions.
            context.clearCount++;
          }
          return 0;
        });
  }

  /**
   * Runs {@code section} holding the write locks of {@code segments}, which are in index order:
   * taken in that order (the one order every multi-segment writer uses, so two cannot deadlock),
   * then the bucket checked open. Released in reverse order; then the observer's first failure
   * (lowest revision) in any of them is thrown, the section being complete. When the section itself
   * fails, the observer's failures are attached to that failure as suppressed instead.
   */
  static long underWriteLocks(Segment[] segments, BucketContext context, LongSupplier section) {
    long[] stamps = new long[segments.length];
    int locked = 0;
    try {
      for (; locked < segments.length; locked++) {
        stamps[locked] = segments[locked].lock.writeLock();
      }
      context.checkOpen();
      return section.getAsLong();
    } catch (RuntimeException | Error e) {
      for (int i = 0; i < locked; i++) {
        segments[i].suppressObserverFailure(e);
      }
      throw e;
    } finally {
      unlockAll(segments, stamps, locked);
    }
  }

  private static void unlockAll(Segment[] segments, long[] stamps, int locked) {
    Throwable first = null;
    long firstRevision = Long.MAX_VALUE;
    for (int i = locked - 1; i >= 0; i--) {
      long revision = segments[i].observerFailureRevision();
      Throwable failure = segments[i].takeObserverFailure();
      if (failure != null && revision < firstRevision) {
        first = failure;
        firstRevision = revision;
      }
      segments[i].lock.unlockWrite(stamps[i]);
    }
    if (first != null) {
      rethrow(first);
    }
  }

  /**
   * Drops every record of this segment without revisions or events; the table returns to its
   * initial size. The caller holds the write lock and has checked that the bucket is open.
   */
  private void clearLocked() {
    releaseAll();
    markers.reset();
    UnsafeBuffer fresh = newTable(initialSlots);
    if (fresh == null) {
      throw new IllegalStateException("direct memory exhausted while clearing");
    }
    table = fresh;
    counts = new AccessCounts(initialSlots);
    tableGeneration++;
  }

  /** Releases everything; called by the bucket's close after it marked itself closed. */
  public void close() {
    long stamp = lock.writeLock();
    try {
      releaseAll();
      allocator.dropFreePages();
      budget.releaseParked(initialTableCost);
      initialTable = new UnsafeBuffer(new byte[IndexDescriptor.SLOT_LENGTH]);
      markers.release();
      budget.release(markers.cost());
      table = new UnsafeBuffer(new byte[IndexDescriptor.SLOT_LENGTH]);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private void releaseAll() {
    allocator.clear();
    releaseTable(table, tablePage, tableCost);
    tablePage = null;
    tableCost = 0;
    keys = 0;
    liveCount = 0;
    recordCount = 0;
  }

  /** Keys with a live value (expired ones included until they are marked). */
  public long liveCount() {
    return liveCount;
  }

  /** Retained records, markers included. */
  public long recordCount() {
    return recordCount;
  }

  // ---------------------------------------------------------------- index table

  /** The slot that holds the key, or -1. Caller holds a lock. */
  int find(int hash, DirectBuffer key, int keyOffset, int keyLength) {
    UnsafeBuffer current = table;
    int capacity = SegmentIndex.capacity(current);
    int slot = SegmentIndex.home(hash, capacity);
    for (int probes = 0; probes < capacity; probes++) {
      long ref = SegmentIndex.ref(current, slot);
      if (ref == RecordRefs.NONE) {
        return -1;
      }
      if (SegmentIndex.hash(current, slot) == hash
          && Records.keyEquals(bufferOf(ref), RecordRefs.offset(ref), key, keyOffset, keyLength)) {
        return slot;
      }
      slot = SegmentIndex.next(slot, capacity);
    }
    return -1;
  }

  /**
   * Grows the table by half ({@link SegmentIndex#grown}) before {@code count} new keys would push
   * it past three quarters full (a single write asks for one), or past {@link #FULL_SEGMENT_LOAD}
   * when growing would take the memory of evicted values. Throws {@link IllegalStateException} when
   * the budget cannot grow it and the keys would not even fit below full. May evict.
   */
  void ensureRoomForKeys(int count) {
    while (true) {
      int capacity = SegmentIndex.capacity(table);
      long needed = keys + (long) count;
      if (needed * 4L <= capacity * 3L) {
        return;
      }
      int grown = SegmentIndex.grown(capacity);
      int length = grown * IndexDescriptor.SLOT_LENGTH;
      if (length > allocator.pageSize()
          && needed * 32L <= capacity * (long) FULL_SEGMENT_LOAD
          && !allocator.canReserveWithoutEvicting(DirectMemory.cost(length))) {
        return;
      }
      boolean room;
      if (length <= allocator.pageSize()) {
        room = reclaimer.makePageAvailable();
      } else {
        long extra = DirectMemory.cost(length);
        room = reclaimer.reserve(extra);
        if (room) {
          budget.release(extra);
        }
      }
      if (room && resize(grown)) {
        // Evicting for the page may have forgotten keys and shrunk the table: look again.
        continue;
      }
      if (keys + (long) count >= capacity) {
        throw new IllegalStateException("the byte budget cannot index another key");
      }
      return;
    }
  }

  /** True when {@code count} more keys fit in the table with a free slot left over. */
  boolean hasSlotsFor(int count) {
    return keys + (long) count < SegmentIndex.capacity(table);
  }

  private void maybeShrink() {
    int capacity = SegmentIndex.capacity(table);
    if (capacity > initialSlots && keys * 8L < capacity) {
      resize(Math.max(initialSlots, SegmentIndex.shrunk(capacity)));
    }
  }

  private boolean resize(int slots) {
    UnsafeBuffer old = table;
    long oldCost = tableCost;
    UnsafeBuffer oldTablePage = tablePage;
    UnsafeBuffer fresh = newTable(slots);
    if (fresh == null) {
      return false;
    }
    AccessCounts oldCounts = counts;
    AccessCounts freshCounts = new AccessCounts(slots);
    for (int slot = 0; slot < SegmentIndex.capacity(old); slot++) {
      long ref = SegmentIndex.ref(old, slot);
      if (ref != RecordRefs.NONE) {
        int hash = SegmentIndex.hash(old, slot);
        int freshSlot = SegmentIndex.emptySlot(fresh, hash);
        SegmentIndex.set(fresh, freshSlot, hash, SegmentIndex.expiryHint(old, slot), ref);
        freshCounts.set(freshSlot, oldCounts.get(slot));
      }
    }
    table = fresh;
    counts = freshCounts;
    tableGeneration++;
    releaseTable(old, oldTablePage, oldCost);
    return true;
  }

  /**
   * A zeroed table of {@code slots}, charged to the budget; null if it does not fit. The initial
   * size reuses the segment's initial table; anything up to a page lives in a pooled page, so that
   * resizing recycles memory instead of leaving it to the garbage collector; only a table larger
   * than a page gets a buffer of its own, which, since optimistic readers read tables, is left to
   * the collector when a resize replaces it.
   */
  private @Nullable UnsafeBuffer newTable(int slots) {
    int length = slots * IndexDescriptor.SLOT_LENGTH;
    if (slots == initialSlots) {
      initialTable.setMemory(0, initialTable.capacity(), (byte) 0);
      budget.unpark(initialTableCost);
      tablePage = null;
      tableCost = initialTableCost;
      return initialTable;
    }
    if (length <= allocator.pageSize()) {
      UnsafeBuffer page = allocator.takeWholePage();
      if (page == null) {
        return null;
      }
      tablePage = page;
      tableCost = allocator.pageCost();
      return new UnsafeBuffer(page, 0, length);
    }
    long cost = DirectMemory.cost(length);
    if (!allocator.reserve(cost)) {
      return null;
    }
    UnsafeBuffer buffer = DirectMemory.allocate(length);
    if (buffer == null) {
      budget.release(cost);
      budget.capAtCurrentUse();
      return null;
    }
    tableCost = cost;
    tablePage = null;
    return buffer;
  }

  /** Gives a replaced table's memory back: its page to the pool, or its own buffer's bytes. */
  private void releaseTable(UnsafeBuffer replaced, @Nullable UnsafeBuffer page, long cost) {
    if (page != null) {
      allocator.returnPage(page);
    } else if (isInitial(replaced)) {
      budget.park(initialTableCost);
    } else {
      budget.release(cost);
    }
  }

  /** True when {@code buffer} is the initial table (same memory, not merely equal bytes). */
  private boolean isInitial(UnsafeBuffer buffer) {
    return buffer.addressOffset() == initialTable.addressOffset()
        && buffer.capacity() == initialTable.capacity();
  }

  // ---------------------------------------------------------------- record access

  /** The page of {@code ref}, large or not. Caller holds the lock, so the page must exist. */
  UnsafeBuffer bufferOf(long ref) {
    return allocator.pageOf(ref).buffer;
  }

  long revisionOf(long ref) {
    return Records.revision(bufferOf(ref), RecordRefs.offset(ref));
  }

  int opOf(long ref) {
    return Records.op(bufferOf(ref), RecordRefs.offset(ref));
  }

  long expireAtOf(long ref) {
    return Records.expireAt(bufferOf(ref), RecordRefs.offset(ref));
  }

  long previous(long ref) {
    return Records.previous(bufferOf(ref), RecordRefs.offset(ref));
  }

  void setPrevious(long ref, long previous) {
    bufferOf(ref).putLong(RecordRefs.offset(ref) + PREVIOUS_OFFSET, previous);
  }

  boolean isExpiredValue(long ref, long now) {
    if (opOf(ref) != RecordOp.PUT.code()) {
      return false;
    }
    long expireAt = expireAtOf(ref);
    return expireAt != 0 && now >= expireAt;
  }

  int copyRecord(long ref, MutableDirectBuffer out, int position) {
    SlabPage page = allocator.pageOf(ref);
    int offset = RecordRefs.offset(ref);
    int length = Records.length(page.buffer, offset);
    RecordBytes.copyOut(page, offset, out, position, length);
    return length;
  }

  UnsafeBuffer table() {
    return table;
  }

  /** The index's expiry hint for {@code expireAt}: whole epoch seconds, 0 for never. */
  static int expiryHint(long expireAt) {
    if (expireAt == 0) {
      return 0;
    }
    long seconds = Math.max(1, expireAt / 1000);
    return (int) Math.min(seconds, 0xFFFF_FFFFL);
  }
}
