package dev.cellar.engine;

import dev.cellar.engine.internal.BucketContext;
import dev.cellar.engine.internal.ForgottenMarkers;
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
 * <p><b>What it promises.</b> A reader that applies what the cursor delivers, key by key, ends up
 * with the bucket's state: once the cursor has caught up, the last record delivered for every key
 * it has heard of is the key's latest record, or, for a key forgotten since, the marker that ended
 * it. Records superseded before the cursor reached them (trimmed beyond the history depth, dropped
 * by a purge, a value turned into an EVICT or EXPIRE marker) are skipped, since a later revision of
 * the same key follows. A marker that heads a key is delivered even when the key is forgotten
 * before the cursor reaches it (by {@link OffHeapBucket#purgeDeletes()}, by the eviction hand, by
 * the marker ring as it wraps): while a cursor is open, such markers are kept on the heap until
 * every open cursor has read past them, up to {@link BucketConfig#forgottenMarkerBytes()}.
 *
 * <p><b>Lapped.</b> When the journal has lapped the cursor, it resyncs: it replays the latest
 * record of every key that changed since its position (the kept markers of forgotten keys
 * included), in revision order, and goes on from there, so it may skip intermediate revisions but
 * never the latest state of a changed key.
 *
 * <p><b>Reset.</b> When a marker this cursor still needed could not be kept (the allowance was
 * full, or 0), the cursor no longer knows which keys it lost. It then calls {@link
 * WatchHandler#onReset()}, replays the latest record of every key as a new {@link
 * WatchStart#LAST_PER_KEY} cursor would, signals end-of-data again and goes on live. Delivered
 * revisions increase, except that a reset starts over from low ones.
 *
 * <p>{@link OffHeapBucket#clear()} writes no revisions, so there is nothing to follow: a cursor
 * that finds the bucket cleared since it last looked resets the same way.
 *
 * <p>An open cursor holds forgotten markers back: close a cursor that is no longer polled (one
 * dropped without closing stops holding them once the garbage collector has taken it). Owned by one
 * thread: {@link #poll} must not be called concurrently.
 */
public final class WatchCursor implements AutoCloseable {
  /** The segment of a replay entry that names a kept forgotten marker instead of a record. */
  private static final long FORGOTTEN = -1;

  private static final int DELIVERED = 0;
  private static final int SKIPPED = 1;
  private static final int GAP = 2;

  private final OffHeapBucket bucket;
  private final BucketContext context;
  private final ForgottenMarkers forgotten;
  private final ForgottenMarkers.Reader reader;
  private final Journal.Entry entry = new Journal.Entry();
  private final ExpandableArrayBuffer copy = new ExpandableArrayBuffer(256);
  private final RecordView view = new RecordView();
  private long[] replay = new long[0];
  private int replayIndex;

  /**
   * Whether the replay may deliver a record of a key after an earlier one (a history replay, or a
   * resync of a cursor whose handler already knows keys), so that forgotten markers matter to it.
   */
  private boolean replayTracksMarkers;

  private boolean endOfDataPending = true;

  /** The bucket's clear count when the current replay began; a different one means reset. */
  private long clearsSeen;

  private long next;
  private long lastRevision;
  private long resyncs;
  private long resets;
  private boolean closed;

  WatchCursor(OffHeapBucket bucket, WatchStart start, long fromRevision) {
    this.bucket = bucket;
    this.context = bucket.context();
    this.forgotten = context.forgotten;
    // Registered before the start revision is read, so that every forgetter of a later marker
    // sees this cursor; until its first floor it needs nothing, having delivered nothing.
    this.reader = forgotten.register(this);
    this.clearsSeen = context.clearCount;
    try {
      switch (start) {
        case UPDATES_ONLY -> next = context.sequence.current() + 1;
        case LAST_PER_KEY -> snapshot(1, false, false, false);
        case INCLUDE_HISTORY -> snapshot(1, true, true, false);
        case FROM_REVISION -> {
          snapshot(fromRevision, true, true, false);
          next = Math.max(next, fromRevision);
        }
        default -> throw new IllegalArgumentException("unknown start " + start);
      }
    } catch (RuntimeException e) {
      forgotten.unregister(reader);
      throw e;
    }
    publishFloor();
  }

  /**
   * Delivers up to {@code limit} records to {@code handler} (and end-of-data once, when the replay
   * ends; and a reset, when one is needed) and returns how many records it delivered; 0 when
   * nothing new is there yet.
   */
  public int poll(WatchHandler handler, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    checkUsable();
    int delivered = 0;
    try {
      while (delivered < limit) {
        if (context.clearCount != clearsSeen) {
          reset(handler);
          continue;
        }
        if (replayIndex < replay.length) {
          long revision = replay[replayIndex];
          long where = replay[replayIndex + 1];
          long ref = replay[replayIndex + 2];
          replayIndex += 3;
          int outcome = deliver(handler, where, ref, revision, replayTracksMarkers);
          if (outcome == DELIVERED) {
            delivered++;
          } else if (outcome == GAP) {
            reset(handler);
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
          resync(handler);
          continue;
        }
        next++;
        // Only a marker can have been forgotten with its key; a value that no longer resolves
        // was superseded, and its successor follows in the journal.
        boolean marker = entry.op != RecordOp.PUT.code();
        int outcome = deliver(handler, entry.segment, entry.ref, entry.revision, marker);
        if (outcome == DELIVERED) {
          delivered++;
        } else if (outcome == GAP) {
          reset(handler);
        }
      }
    } finally {
      publishFloor();
    }
    return delivered;
  }

  /**
   * The revision of the last record delivered; 0 before the first (and again right after a reset).
   */
  public long lastRevision() {
    return lastRevision;
  }

  /** The next revision the cursor will read from the journal once its replay is done. */
  public long position() {
    return next;
  }

  /** How many times the journal lapped this cursor and it resynced (or reset). */
  public long resyncs() {
    return resyncs;
  }

  /**
   * How many times the cursor reset (see {@link WatchHandler#onReset()}): it lost a forgotten
   * marker it needed, or the bucket was cleared.
   */
  public long resets() {
    return resets;
  }

  /**
   * Stops the cursor and lets the bucket drop the forgotten markers it held back; later polls throw
   * {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      forgotten.unregister(reader);
    }
  }

  /**
   * Hands the record of {@code revision} to the handler: from segment {@code where} at {@code ref},
   * or from the kept forgotten markers. When it is gone and {@code tracksMarkers}, a revision at or
   * below what this cursor lost is a gap; otherwise a later revision of the key follows.
   */
  private int deliver(
      WatchHandler handler, long where, long ref, long revision, boolean tracksMarkers) {
    if (revision <= lastRevision) {
      return SKIPPED;
    }
    boolean found;
    if (where == FORGOTTEN) {
      found = forgotten.copy(revision, copy);
    } else {
      Segment[] segments = bucket.segments();
      if (where < 0 || where >= segments.length) {
        return SKIPPED;
      }
      // The forgotten marker is kept before its record is freed, so looking there after a
      // failed resolve cannot miss it.
      found =
          segments[(int) where].reads.resolve(ref, revision, copy)
              || (tracksMarkers && forgotten.copy(revision, copy));
    }
    if (!found) {
      return tracksMarkers && reader.lostThrough() >= revision ? GAP : SKIPPED;
    }
    lastRevision = revision;
    handler.onRecord(view.wrap(copy, 0));
    return DELIVERED;
  }

  /**
   * The journal lapped the cursor: replays the latest record of every key changed since {@code
   * next}, and the kept markers of keys forgotten since, or resets when such a marker was lost.
   */
  private void resync(WatchHandler handler) {
    long from = next;
    if (reader.lostThrough() < from) {
      snapshot(from, false, true, true);
    }
    // A marker dropped while the snapshot ran may be in neither the segments nor the log.
    if (reader.lostThrough() >= from) {
      reset(handler);
    }
  }

  /**
   * Starts over: tells the handler, then replays the latest record of every key, then end-of-data.
   * A forgotten marker of the replay needs no keeping: the handler starts from nothing, and a key
   * forgotten before its record is delivered was simply not there.
   */
  private void reset(WatchHandler handler) {
    resets++;
    // Read before the replay's snapshot: a clear that lands during it makes the next poll reset
    // again.
    clearsSeen = context.clearCount;
    forgotten.restart(reader);
    lastRevision = 0;
    snapshot(1, false, false, false);
    endOfDataPending = true;
    handler.onReset();
  }

  /**
   * Loads the replay: records with revisions in [from, latest] (and, with {@code withForgotten},
   * the kept forgotten markers among them), and the journal after them.
   */
  private void snapshot(long from, boolean history, boolean tracksMarkers, boolean withForgotten) {
    long end = context.sequence.current() + 1;
    LongArrayList triples = new LongArrayList();
    for (Segment segment : bucket.segments()) {
      segment.scans.collectForReplay(from, end, history, triples);
    }
    if (withForgotten) {
      // After the segments: a key forgotten after its segment was scanned is in the replay as a
      // record that will not resolve, and is found in the log when delivered; one forgotten
      // before was logged before this collects. (One forgotten in between is in both, under
      // one revision: it is delivered once.)
      forgotten.collect(from, end, FORGOTTEN, triples);
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
    replayTracksMarkers = tracksMarkers;
    next = end;
  }

  /**
   * Publishes the lowest revision this cursor may still deliver after an earlier record of the same
   * key, so that the bucket keeps forgotten markers from there on and drops older ones.
   */
  private void publishFloor() {
    if (closed) {
      return;
    }
    boolean replaying = replayIndex < replay.length && replayTracksMarkers;
    reader.floor(replaying ? replay[replayIndex] : next);
    forgotten.trim();
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("the watch cursor is closed");
    }
    context.checkOpen();
  }
}
