package dev.cellar.engine;

import dev.cellar.engine.internal.BucketContext;
import dev.cellar.engine.internal.DirectMemory;
import dev.cellar.engine.internal.ExpirySweeper;
import dev.cellar.engine.internal.Journal;
import dev.cellar.engine.internal.KeyHash;
import dev.cellar.engine.internal.MemoryBudget;
import dev.cellar.engine.internal.RecordDescriptor;
import dev.cellar.engine.internal.Segment;
import dev.cellar.engine.internal.SegmentReads;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * A versioned key-value bucket of byte keys and byte values stored off-heap.
 *
 * <p>Every write gets a bucket-wide revision, strictly increasing. A key keeps its latest {@link
 * BucketConfig#history()} records, markers included. Reads allocate nothing. A read of a value up
 * to a quarter page takes no lock unless writers keep interfering; a larger one is copied (unless
 * it took a pooled page whole) under its segment's read lock (writers of that segment wait for the
 * copy), so that its memory can be freed the moment it is replaced. Every off-heap byte the bucket
 * owns (pages, index tables, journal) is counted in {@link #bytesInUse()}, which never exceeds
 * {@link #maxBytes()}: when the budget is reached the bucket evicts (see {@code SegmentReclaimer})
 * instead of failing. On the heap, besides small bookkeeping, only markers forgotten ahead of a
 * lagging {@link WatchCursor} are kept, up to {@link BucketConfig#forgottenMarkerBytes()} (see
 * {@link #forgottenMarkerBytes()}).
 *
 * <p>Keys and values are given as (buffer, offset, length); the empty key is a key like any other.
 * Writes return a {@code long} decoded by {@link WriteOutcome}. Expire-at times are epoch
 * milliseconds of the configured clock, 0 for never; a value is expired when the clock reads its
 * expire-at or later.
 *
 * <p>Thread-safe. After {@link #close()} every method but {@link #close()}, {@link #isClosed()},
 * {@link #maxBytes()} and {@link #config()} throws {@link IllegalStateException}; closing while
 * other threads work is safe: they finish or get that exception.
 *
 * <p>A failing {@link MutationObserver} never leaves the bucket inconsistent: the mutations
 * complete and the failure is thrown afterwards, as {@link MutationObserver} describes.
 */
public final class OffHeapBucket implements AutoCloseable {
  /** Expire-at for a write that keeps the expire-at of the live value it replaces (0 if none). */
  public static final long KEEP_EXPIRY = -1L;

  /** {@link #get} result when the key has no live value. */
  public static final int NOT_FOUND = -1;

  private final BucketConfig config;
  private final BucketContext context;
  private final Segment[] segments;
  private final int segmentShift;
  private final long maxRecordLength;
  private final long journalCost;
  private final @Nullable ScheduledFuture<?> sweep;

  /** A new, empty bucket. */
  public OffHeapBucket(BucketConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.context =
        new BucketContext(
            config.clock(), config.observer(), config.history(), config.forgottenMarkerBytes());
    int journalLength = Journal.ringLength(config.journalSize());
    UnsafeBuffer ring = DirectMemory.allocate(journalLength);
    if (ring == null) {
      throw new IllegalStateException(
          "the JVM's direct memory cannot hold the journal ("
              + journalLength
              + " bytes); raise -XX:MaxDirectMemorySize");
    }
    this.journalCost = DirectMemory.cost(journalLength);
    context.bytesInUse.addAndGet(journalCost);
    context.bytesReserved.addAndGet(journalCost);
    context.journal = new Journal(ring, config.journalSize());
    int count = config.segments();
    long share = (config.maxBytes() - journalCost) / count;
    this.segments = new Segment[count];
    this.segmentShift = 32 - Integer.numberOfTrailingZeros(count);
    for (int i = 0; i < count; i++) {
      segments[i] =
          new Segment(
              i,
              context,
              new MemoryBudget(share, context.bytesInUse, context.bytesReserved),
              config.pageSize(),
              256);
    }
    this.maxRecordLength = Math.min(share / 4, Integer.MAX_VALUE - 2 * DirectMemory.ALIGNMENT);
    this.sweep =
        config.sweepIntervalMillis() > 0
            ? ExpirySweeper.schedule(this, config.sweepIntervalMillis())
            : null;
  }

  // ---------------------------------------------------------------- reads

  /**
   * Copies the key's live value into {@code destination} at {@code destinationOffset} and returns
   * its length, or {@link #NOT_FOUND}. An expandable destination grows; a fixed one that is too
   * small gets an {@link IllegalArgumentException}. {@code info}, if not null, receives the value's
   * revision, write time and expire-at. An expired value is a miss and is expired on the spot.
   */
  public int get(
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable MutableDirectBuffer destination,
      int destinationOffset,
      @Nullable RecordInfo info) {
    checkKey(key, keyOffset, keyLength);
    if (destination != null && destinationOffset < 0) {
      throw new IllegalArgumentException("negative destination offset " + destinationOffset);
    }
    context.checkOpen();
    int hash = KeyHash.hash(key, keyOffset, keyLength);
    Segment segment = segmentFor(hash);
    int result =
        segment.reads.read(
            hash,
            key,
            keyOffset,
            keyLength,
            destination,
            destinationOffset,
            info,
            context.clock.time());
    if (result == SegmentReads.EXPIRED) {
      segment.expire(hash, key, keyOffset, keyLength);
      return NOT_FOUND;
    }
    return result == SegmentReads.MISS ? NOT_FOUND : result;
  }

  /** True when the key has a live, unexpired value. */
  public boolean containsKey(DirectBuffer key, int keyOffset, int keyLength) {
    return get(key, keyOffset, keyLength, null, 0, null) != NOT_FOUND;
  }

  /**
   * Hands the key's latest record (a value or a marker; an expired value is expired first) to
   * {@code visitor}; false, without a call, when the key has no record.
   */
  public boolean latest(DirectBuffer key, int keyOffset, int keyLength, RecordVisitor visitor) {
    checkKey(key, keyOffset, keyLength);
    Objects.requireNonNull(visitor, "visitor");
    context.checkOpen();
    int hash = KeyHash.hash(key, keyOffset, keyLength);
    Segment segment = segmentFor(hash);
    segment.expire(hash, key, keyOffset, keyLength);
    ExpandableArrayBuffer copy = new ExpandableArrayBuffer(128);
    if (!segment.reads.copyLatest(hash, key, keyOffset, keyLength, copy)) {
      return false;
    }
    visitor.visit(new RecordView().wrap(copy, 0));
    return true;
  }

  /**
   * Hands the key's record of exactly {@code revision} to {@code visitor}; false if not retained. A
   * value due to expire is expired first (a new EXPIRE revision), as {@link #get} does.
   */
  public boolean atRevision(
      DirectBuffer key, int keyOffset, int keyLength, long revision, RecordVisitor visitor) {
    checkKey(key, keyOffset, keyLength);
    Objects.requireNonNull(visitor, "visitor");
    if (revision < 1) {
      throw new IllegalArgumentException("revisions start at 1, was " + revision);
    }
    context.checkOpen();
    int hash = KeyHash.hash(key, keyOffset, keyLength);
    // A due value is expired first, as by get: history must not show it as the live value.
    segmentFor(hash).expire(hash, key, keyOffset, keyLength);
    ExpandableArrayBuffer copy = new ExpandableArrayBuffer(128);
    if (!segmentFor(hash).reads.copyAtRevision(hash, key, keyOffset, keyLength, revision, copy)) {
      return false;
    }
    visitor.visit(new RecordView().wrap(copy, 0));
    return true;
  }

  /**
   * Hands the key's retained records to {@code visitor}, oldest first; returns how many. A value
   * due to expire is expired first, so the last record shows it gone.
   */
  public int history(DirectBuffer key, int keyOffset, int keyLength, RecordVisitor visitor) {
    checkKey(key, keyOffset, keyLength);
    Objects.requireNonNull(visitor, "visitor");
    context.checkOpen();
    int hash = KeyHash.hash(key, keyOffset, keyLength);
    segmentFor(hash).expire(hash, key, keyOffset, keyLength);
    ExpandableArrayBuffer copy = new ExpandableArrayBuffer(256);
    LongArrayList offsets = new LongArrayList();
    int count = segmentFor(hash).reads.copyHistory(hash, key, keyOffset, keyLength, copy, offsets);
    RecordView view = new RecordView();
    for (int i = 0; i < count; i++) {
      visitor.visit(view.wrap(copy, (int) offsets.getLong(i)));
    }
    return count;
  }

  // ---------------------------------------------------------------- writes

  /**
   * A new, empty multi-key batch for this bucket: checks and writes committed all or nothing with
   * consecutive revisions (see {@link AtomicBatch}).
   */
  public AtomicBatch batch() {
    context.checkOpen();
    return new AtomicBatch(this);
  }

  /** Writes the value unconditionally; returns the new revision. */
  public long put(
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      DirectBuffer value,
      int valueOffset,
      int valueLength,
      long expireAt) {
    return write(
        key,
        keyOffset,
        keyLength,
        value,
        valueOffset,
        valueLength,
        RecordOp.PUT,
        WriteOutcome.ANY_REVISION,
        expireAt);
  }

  /** Writes the value only if the key has no live value (a marker is no value). */
  public long create(
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      DirectBuffer value,
      int valueOffset,
      int valueLength,
      long expireAt) {
    return write(
        key, keyOffset, keyLength, value, valueOffset, valueLength, RecordOp.PUT, 0L, expireAt);
  }

  /**
   * Writes the value only if the key's latest record (markers included) has {@code
   * expectedRevision}; 0 means "only if there is no live value".
   */
  public long update(
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      DirectBuffer value,
      int valueOffset,
      int valueLength,
      long expireAt,
      long expectedRevision) {
    checkExpected(expectedRevision, false);
    return write(
        key,
        keyOffset,
        keyLength,
        value,
        valueOffset,
        valueLength,
        RecordOp.PUT,
        expectedRevision,
        expireAt);
  }

  /**
   * Writes a DELETE marker over the live value, keeping history. Fails when there is no live value
   * or, unless {@code expectedRevision} is {@link WriteOutcome#ANY_REVISION}, when the latest
   * record has another revision.
   */
  public long delete(DirectBuffer key, int keyOffset, int keyLength, long expectedRevision) {
    checkExpected(expectedRevision, true);
    return write(key, keyOffset, keyLength, null, 0, 0, RecordOp.DELETE, expectedRevision, 0L);
  }

  /**
   * Drops the key's history and leaves a PURGE marker (also for a key that never existed), unless
   * {@code expectedRevision} (not {@link WriteOutcome#ANY_REVISION}) does not match.
   */
  public long purge(DirectBuffer key, int keyOffset, int keyLength, long expectedRevision) {
    checkExpected(expectedRevision, true);
    return write(key, keyOffset, keyLength, null, 0, 0, RecordOp.PURGE, expectedRevision, 0L);
  }

  /**
   * Changes the expire-at of the key's live value without a new revision (access-based expiry);
   * returns the value's revision, or 0 when there is no live value.
   */
  public long touch(DirectBuffer key, int keyOffset, int keyLength, long expireAt) {
    checkKey(key, keyOffset, keyLength);
    checkExpireAt(expireAt, false);
    context.checkOpen();
    int hash = KeyHash.hash(key, keyOffset, keyLength);
    return segmentFor(hash).touch(hash, key, keyOffset, keyLength, expireAt);
  }

  private long write(
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @Nullable DirectBuffer value,
      int valueOffset,
      int valueLength,
      RecordOp op,
      long expected,
      long expireAt) {
    checkKey(key, keyOffset, keyLength);
    if (op == RecordOp.PUT) {
      checkRange("value", Objects.requireNonNull(value, "value"), valueOffset, valueLength);
      checkExpireAt(expireAt, true);
    }
    checkRecordLength(keyLength, op == RecordOp.PUT ? valueLength : 0);
    context.checkOpen();
    int hash = KeyHash.hash(key, keyOffset, keyLength);
    return segmentFor(hash)
        .write(
            hash,
            key,
            keyOffset,
            keyLength,
            value,
            valueOffset,
            valueLength,
            op,
            expected,
            expireAt);
  }

  // ---------------------------------------------------------------- maintenance

  /**
   * Forgets every key whose latest record is a marker, writing no revision; returns how many. Open
   * watch cursors that have not yet read such a marker still deliver it (see {@link WatchCursor}).
   */
  public int purgeDeletes() {
    context.checkOpen();
    int removed = 0;
    for (Segment segment : segments) {
      removed += segment.scans.purgeMarkers();
    }
    return removed;
  }

  /**
   * Writes an EXPIRE marker for every value whose time has come; returns how many. When the {@link
   * MutationObserver} fails, every segment is still swept and the first failure thrown afterwards.
   */
  public int sweepExpired() {
    context.checkOpen();
    int expired = 0;
    Throwable failure = null;
    for (Segment segment : segments) {
      try {
        expired += segment.scans.sweepExpired();
      } catch (RuntimeException | Error e) {
        // Segments are independent: one that met a failing observer must not keep the others'
        // expired values from being swept.
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      Segment.rethrow(failure);
    }
    return expired;
  }

  /**
   * Drops every record at once, writing no revisions; the journal and revision stay as they are.
   * All segments are locked together, so an atomic batch is either wholly dropped or wholly kept.
   * Watch cursors reset ({@link WatchHandler#onReset()}) and replay what is left.
   */
  public void clear() {
    context.checkOpen();
    Segment.clearAll(segments, context);
  }

  /** A weakly consistent cursor over live values: each key at most once, at its latest value. */
  public EntryCursor entries() {
    context.checkOpen();
    return new EntryCursor(this);
  }

  /**
   * A cursor over the journal, starting as {@code start} says; {@code fromRevision} (at least 1) is
   * read only for {@link WatchStart#FROM_REVISION}.
   */
  public WatchCursor watch(WatchStart start, long fromRevision) {
    Objects.requireNonNull(start, "start");
    if (start == WatchStart.FROM_REVISION && fromRevision < 1) {
      throw new IllegalArgumentException("fromRevision must be at least 1, was " + fromRevision);
    }
    context.checkOpen();
    return new WatchCursor(this, start, fromRevision);
  }

  /**
   * Releases all memory: buffers of records larger than a quarter page are freed at once, pages and
   * index tables (which a racing optimistic reader may still hold) are left to the garbage
   * collector. Idempotent. Calls in progress on other threads finish or throw {@link
   * IllegalStateException}; none touches freed memory.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (context.closed) {
        return;
      }
      context.closed = true;
    }
    if (sweep != null) {
      sweep.cancel(false);
    }
    for (Segment segment : segments) {
      segment.close();
    }
    context.forgotten.close();
    context.journal = null;
    context.bytesInUse.addAndGet(-journalCost);
    context.bytesReserved.addAndGet(-journalCost);
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return context.closed;
  }

  // ---------------------------------------------------------------- figures

  /** The configuration this bucket was made with. */
  public BucketConfig config() {
    return config;
  }

  /** The latest revision handed out; 0 before the first write. */
  public long revision() {
    context.checkOpen();
    return context.sequence.current();
  }

  /**
   * Off-heap bytes holding data now: pages with records, index tables, marker rings and journal,
   * exactly as reserved from the JVM. It returns to the empty bucket's figure once every record is
   * gone.
   */
  public long bytesInUse() {
    context.checkOpen();
    return context.bytesInUse.get();
  }

  /**
   * All off-heap bytes the bucket holds: {@link #bytesInUse()} plus emptied pages kept for reuse.
   * Never more than {@link #maxBytes()}; this is what the JVM's direct buffer pool sees of the
   * bucket, apart from index tables larger than a page replaced by a resize (and pooled pages given
   * up for a record whose key alone is longer than a page), which wait for the garbage collector.
   */
  public long bytesReserved() {
    context.checkOpen();
    return context.bytesReserved.get();
  }

  /**
   * Heap bytes now spent on markers forgotten before every open watch cursor read them (each
   * charged its record plus 96 bytes); at most {@link BucketConfig#forgottenMarkerBytes()}, and 0
   * whenever every cursor has read past the forgotten markers or no cursor is open.
   */
  public long forgottenMarkerBytes() {
    context.checkOpen();
    return context.forgotten.bytes();
  }

  /** The byte budget. */
  public long maxBytes() {
    return config.maxBytes();
  }

  /** Keys with a live value; values past their expire-at count until they are expired. */
  public long entryCount() {
    context.checkOpen();
    long count = 0;
    for (Segment segment : segments) {
      count += segment.liveCount();
    }
    return count;
  }

  /** Retained records, markers and history included. */
  public long recordCount() {
    context.checkOpen();
    long count = 0;
    for (Segment segment : segments) {
      count += segment.recordCount();
    }
    return count;
  }

  /** EVICT records written so far. */
  public long evictions() {
    context.checkOpen();
    return context.evictions.get();
  }

  /** EXPIRE records written so far. */
  public long expirations() {
    context.checkOpen();
    return context.expirations.get();
  }

  /** The largest record (header, key and value) this bucket accepts. */
  public long maxRecordLength() {
    return maxRecordLength;
  }

  /**
   * Throws {@link IllegalArgumentException} when a record of a {@code keyLength}-byte key and a
   * {@code valueLength}-byte value is larger than {@link #maxRecordLength()}: what every write
   * checks, for a caller that must know before it writes (a write-through cache, a batch).
   */
  public void checkRecordLength(int keyLength, int valueLength) {
    long length = RecordDescriptor.recordLength(keyLength, valueLength);
    if (length > maxRecordLength) {
      throw new IllegalArgumentException(
          "a record of "
              + length
              + " bytes exceeds the largest this bucket stores ("
              + maxRecordLength
              + " bytes of a "
              + config.maxBytes()
              + "-byte budget)");
    }
  }

  /** Header bytes each record carries besides its key and value. */
  public static int recordOverhead() {
    return RecordDescriptor.HEADER_LENGTH;
  }

  // ---------------------------------------------------------------- internals for cursors

  BucketContext context() {
    return context;
  }

  Segment[] segments() {
    return segments;
  }

  Segment segmentFor(int hash) {
    return segments[segmentShift == 32 ? 0 : hash >>> segmentShift];
  }

  static void checkKey(DirectBuffer key, int keyOffset, int keyLength) {
    Objects.requireNonNull(key, "key");
    // An empty key is a key like any other: JCache callers pass "" and byte[0].
    checkRange("key", key, keyOffset, keyLength);
  }

  static void checkRange(String what, DirectBuffer buffer, int offset, int length) {
    if (offset < 0 || length < 0 || (long) offset + length > buffer.capacity()) {
      throw new IllegalArgumentException(
          what
              + " range ["
              + offset
              + ", "
              + offset
              + "+"
              + length
              + ") is outside its buffer of "
              + buffer.capacity()
              + " bytes");
    }
  }

  private static void checkExpireAt(long expireAt, boolean keepAllowed) {
    if (expireAt < 0 && !(keepAllowed && expireAt == KEEP_EXPIRY)) {
      throw new IllegalArgumentException("expire-at must be 0 (never) or a time, was " + expireAt);
    }
  }

  private static void checkExpected(long expected, boolean anyAllowed) {
    if (expected < 0 && !(anyAllowed && expected == WriteOutcome.ANY_REVISION)) {
      throw new IllegalArgumentException("expected revision must not be negative, was " + expected);
    }
  }
}
