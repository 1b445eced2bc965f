package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.RecordDescriptor.HEADER_LENGTH;

import dev.cellar.engine.RecordOp;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The passes over a whole segment's index: the expiry sweep, the purge of marker-only keys, and the
 * collection of live keys (for entry cursors) and of records to replay (for watches). Each takes
 * the segment's lock itself; the sweep works in batches so that writers get in between.
 */
public final class SegmentScans {
  private static final int SWEEP_BATCH = 256;

  private final Segment segment;
  private int sweepCursor;

  SegmentScans(Segment segment) {
    this.segment = segment;
  }

  /** Forgets every key whose latest record is a marker; returns how many. */
  public int purgeMarkers() {
    long stamp = segment.lock.writeLock();
    try {
      segment.context.checkOpen();
      int removed = 0;
      int slot = 0;
      while (slot < SegmentIndex.capacity(segment.table)) {
        long ref = SegmentIndex.ref(segment.table, slot);
        if (ref != RecordRefs.NONE && segment.opOf(ref) != RecordOp.PUT.code()) {
          int capacityBefore = SegmentIndex.capacity(segment.table);
          segment.forgetKey(slot);
          removed++;
          if (capacityBefore != SegmentIndex.capacity(segment.table)) {
            slot = 0;
          }
          continue;
        }
        slot++;
      }
      return removed;
    } finally {
      segment.lock.unlockWrite(stamp);
    }
  }

  /**
   * Expires the values whose time has come; at most one pass over the table. An observer failure
   * does not end the pass: the first one is thrown after it.
   */
  public int sweepExpired() {
    int expired = 0;
    int visited = 0;
    int walked = -1;
    Throwable observerFailure = null;
    while (true) {
      long stamp = segment.lock.writeLock();
      try {
        segment.context.checkOpen();
        if (segment.tableGeneration != walked) {
          // Slot numbers belong to one table: after a resize (by this sweep's own evictions, or
          // by writers between batches) the pass starts over on the new table.
          walked = segment.tableGeneration;
          visited = 0;
        }
        int capacity = SegmentIndex.capacity(segment.table);
        if (visited >= capacity) {
          break;
        }
        long now = segment.context.clock.time();
        // Hints are clamped to at least 1 (0 means "never"); clamp the clock the same way, or a
        // value due within the clock's first second would be skipped as not yet due.
        long nowSeconds = Math.max(1, now / 1000);
        int end = Math.min(visited + SWEEP_BATCH, capacity);
        for (; visited < end; visited++) {
          int slot = (sweepCursor + visited) % capacity;
          long ref = SegmentIndex.ref(segment.table, slot);
          int hint = SegmentIndex.expiryHint(segment.table, slot);
          if (ref == RecordRefs.NONE || hint == 0 || Integer.toUnsignedLong(hint) > nowSeconds) {
            continue;
          }
          if (segment.isExpiredValue(ref, now)) {
            UnsafeBuffer page = segment.bufferOf(ref);
            int offset = RecordRefs.offset(ref);
            int keysBefore = segment.keys;
            segment.appendRecord(
                SegmentIndex.hash(segment.table, slot),
                page,
                offset + HEADER_LENGTH,
                Records.keyLength(page, offset),
                null,
                0,
                0,
                RecordOp.EXPIRE,
                0L,
                ref,
                now);
            expired++;
            if (segment.tableGeneration != walked || segment.keys != keysBefore) {
              // Room for the marker was made by forgetting keys, which shifted or rehashed
              // entries, maybe into slots this pass has left behind: start the pass over.
              // Values expired so far are markers now and are skipped.
              walked = -1;
              break;
            }
          }
        }
        if (visited >= capacity) {
          sweepCursor = (sweepCursor + capacity / 2 + 1) % capacity;
        }
      } catch (RuntimeException | Error e) {
        segment.suppressObserverFailure(e);
        if (observerFailure != null) {
          e.addSuppressed(observerFailure);
        }
        throw e;
      } finally {
        // Taken under the lock, so that the next section of another writer starts clean.
        Throwable failure = segment.takeObserverFailure();
        if (observerFailure == null) {
          observerFailure = failure;
        }
        segment.lock.unlockWrite(stamp);
      }
    }
    if (observerFailure != null) {
      Segment.rethrow(observerFailure);
    }
    return expired;
  }

  /**
   * Appends {@code [key length][key bytes]} for every key with a live, unexpired value to {@code
   * out} from {@code position}; returns the position after the last one.
   */
  public int collectLiveKeys(MutableDirectBuffer out, int position) {
    long stamp = segment.lock.readLock();
    try {
      segment.context.checkOpen();
      long now = segment.context.clock.time();
      UnsafeBuffer current = segment.table;
      for (int slot = 0; slot < SegmentIndex.capacity(current); slot++) {
        long ref = SegmentIndex.ref(current, slot);
        if (ref == RecordRefs.NONE
            || segment.opOf(ref) != RecordOp.PUT.code()
            || segment.isExpiredValue(ref, now)) {
          continue;
        }
        UnsafeBuffer page = segment.bufferOf(ref);
        int offset = RecordRefs.offset(ref);
        int keyLength = Records.keyLength(page, offset);
        out.putInt(position, keyLength);
        out.putBytes(position + 4, page, offset + HEADER_LENGTH, keyLength);
        position += 4 + keyLength;
      }
      return position;
    } finally {
      segment.lock.unlockRead(stamp);
    }
  }

  /**
   * Adds (revision, segment, reference) triples to {@code out} for the records a watch replays:
   * each key's latest record, or its whole chain when {@code history}, limited to revisions in
   * {@code [from, to)}.
   */
  public void collectForReplay(long from, long to, boolean history, LongArrayList out) {
    long stamp = segment.lock.readLock();
    try {
      segment.context.checkOpen();
      UnsafeBuffer current = segment.table;
      for (int slot = 0; slot < SegmentIndex.capacity(current); slot++) {
        long ref = SegmentIndex.ref(current, slot);
        while (ref != RecordRefs.NONE) {
          long revision = segment.revisionOf(ref);
          if (revision >= from && revision < to) {
            out.addLong(revision);
            out.addLong(segment.index);
            out.addLong(ref);
          }
          if (!history) {
            break;
          }
          ref = segment.previous(ref);
        }
      }
    } finally {
      segment.lock.unlockRead(stamp);
    }
  }
}
