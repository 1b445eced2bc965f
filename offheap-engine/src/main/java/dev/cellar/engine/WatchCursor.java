package dev.cellar.engine;

import dev.cellar.engine.internal.BucketContext;
import dev.cellar.engine.internal.Journal;
import dev.cellar.engine.internal.Segment;
import java.util.Arrays;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;

/**
 * Reads a bucket's changes in revision order: first a replay of existing records (as its {@link
 * WatchStart} says) closed by one end-of-data, then every later revision from the journal.
 *
 * <p>A revision whose record is no longer retained (superseded beyond the history depth, purged,
 * forgotten) is skipped: a later revision of the same key follows. When the journal has lapped the
 * cursor, it resyncs: it replays the latest record of every key that changed since its position, in
 * revision order, and goes on from there, so it may skip intermediate revisions but never the
 * latest state of a changed key. Delivered revisions always increase.
 *
 * <p>Owned by one thread: {@link #poll} must not be called concurrently.
 */
public final class WatchCursor implements AutoCloseable {
  private final OffHeapBucket bucket;
  private final BucketContext context;
  private final Journal.Entry entry = new Journal.Entry();
  private final ExpandableArrayBuffer copy = new ExpandableArrayBuffer(256);
  private final RecordView view = new RecordView();
  private long[] replay = new long[0];
  private int replayIndex;
  private boolean endOfDataPending = true;
  private long next;
  private long lastRevision;
  private long resyncs;
  private boolean closed;

  WatchCursor(OffHeapBucket bucket, WatchStart start, long fromRevision) {
    this.bucket = bucket;
    this.context = bucket.context();
    switch (start) {
      case UPDATES_ONLY -> next = context.sequence.current() + 1;
      case LAST_PER_KEY -> snapshot(1, false);
      case INCLUDE_HISTORY -> snapshot(1, true);
      case FROM_REVISION -> {
        snapshot(fromRevision, true);
        next = Math.max(next, fromRevision);
      }
      default -> throw new IllegalArgumentException("unknown start " + start);
    }
  }

  /**
   * Delivers up to {@code limit} records to {@code handler} (and end-of-data once, when the replay
   * ends) and returns how many records it delivered; 0 when nothing new is there yet.
   */
  public int poll(WatchHandler handler, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    checkUsable();
    int delivered = 0;
    while (delivered < limit) {
      if (replayIndex < replay.length) {
        long revision = replay[replayIndex];
        long where = replay[replayIndex + 1];
        long ref = replay[replayIndex + 2];
        replayIndex += 3;
        if (deliver(handler, (int) where, ref, revision)) {
          delivered++;
        }
        continue;
      }
      if (endOfDataPending) {
        endOfDataPending = false;
        handler.onEndOfData();
        continue;
      }
      int state = context.journal().read(next, entry);
      if (state == Journal.NOT_YET) {
        break;
      }
      if (state == Journal.LAPPED) {
        resyncs++;
        snapshot(next, false);
        continue;
      }
      next++;
      if (deliver(handler, entry.segment, entry.ref, entry.revision)) {
        delivered++;
      }
    }
    return delivered;
  }

  /** The revision of the last record delivered; 0 before the first. */
  public long lastRevision() {
    return lastRevision;
  }

  /** The next revision the cursor will read from the journal once its replay is done. */
  public long position() {
    return next;
  }

  /** How many times the journal lapped this cursor and it resynced. */
  public long resyncs() {
    return resyncs;
  }

  /** Stops the cursor; later polls throw {@link IllegalStateException}. Idempotent. */
  @Override
  public void close() {
    closed = true;
  }

  private boolean deliver(WatchHandler handler, int segment, long ref, long revision) {
    Segment[] segments = bucket.segments();
    if (segment < 0 || segment >= segments.length || revision <= lastRevision) {
      return false;
    }
    if (!segments[segment].resolve(ref, revision, copy)) {
      return false;
    }
    lastRevision = revision;
    handler.onRecord(view.wrap(copy, 0));
    return true;
  }

  /** Loads the replay: records with revisions in [from, latest], and the journal after them. */
  private void snapshot(long from, boolean history) {
    long end = context.sequence.current() + 1;
    LongArrayList triples = new LongArrayList();
    for (Segment segment : bucket.segments()) {
      segment.scans.collectForReplay(from, end, history, triples);
    }
    int count = triples.size() / 3;
    long[] revisions = new long[count];
    Long2LongHashMap positionOf = new Long2LongHashMap(-1);
    for (int i = 0; i < count; i++) {
      revisions[i] = triples.getLong(i * 3);
      positionOf.put(revisions[i], i);
    }
    Arrays.sort(revisions);
    long[] ordered = new long[count * 3];
    for (int i = 0; i < count; i++) {
      int at = (int) positionOf.get(revisions[i]) * 3;
      ordered[i * 3] = revisions[i];
      ordered[i * 3 + 1] = triples.getLong(at + 1);
      ordered[i * 3 + 2] = triples.getLong(at + 2);
    }
    replay = ordered;
    replayIndex = 0;
    next = end;
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("the watch cursor is closed");
    }
    context.checkOpen();
  }
}
