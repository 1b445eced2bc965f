package dev.cellar.engine.internal;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A bucket's log of markers that were forgotten, with their keys, before every open watch cursor
 * had read them, kept on the heap so that those cursors still deliver them.
 *
 * <p><b>Why.</b> Purge-deletes, the CLOCK hand and the marker ring forget keys whose latest record
 * is a marker, writing no revision. A cursor that has delivered an earlier record of such a key and
 * not yet reached the marker would find the marker's journal entry unresolvable and skip it, and
 * its reader would believe forever in a value that is gone. So {@link Segment#forgetKey} first
 * hands the marker here, and a cursor that cannot resolve a revision looks here before it skips.
 *
 * <p><b>Which markers.</b> Each open cursor is registered as a {@link Reader} and publishes its
 * <em>floor</em>: no revision below it can still reach its handler after an earlier record of the
 * same key did. A marker below every floor is not kept, and kept markers that fall below every
 * floor are trimmed, so a log whose cursors keep up stays empty, and a bucket with no cursor pays a
 * single volatile read ({@link #watched()}) per forgotten key.
 *
 * <p><b>Bound.</b> Each kept marker is charged {@link #ENTRY_OVERHEAD} bytes plus its record (a
 * 40-byte header and the key); the total never exceeds the limit. When it would, the lowest
 * revisions go first and every reader whose floor is at or below a dropped revision learns of it
 * through {@link Reader#lostThrough()}: the cursor can no longer deliver that marker and must reset
 * (tell its handler and replay the current state).
 *
 * <p><b>Threads.</b> Forgetters call {@link #remember} under their segment's write lock; cursors
 * call the rest from their own threads. Everything but the two volatile fast checks runs under this
 * object's monitor, never while holding it to take a segment lock, so it cannot deadlock. A marker
 * is remembered before its record is freed, so a cursor that failed to resolve it finds it here.
 */
public final class ForgottenMarkers {
  /**
   * Heap bytes charged for each kept marker besides its record: the map entry, the boxed revision
   * and the array header, rounded up.
   */
  public static final int ENTRY_OVERHEAD = 96;

  private static final Reader[] NO_READERS = new Reader[0];

  private final long limit;

  /** Registered readers; replaced whole under the monitor, read without it. */
  private volatile Reader[] readers = NO_READERS;

  /** Kept marker records by revision. Guarded by the monitor. */
  private final TreeMap<Long, byte[]> kept = new TreeMap<>();

  /** {@code kept.size()}, readable without the monitor: a cursor's fast "nothing kept". */
  private volatile int count;

  /** Bytes charged for {@link #kept}. Written under the monitor. */
  private volatile long bytes;

  /** A log that keeps at most {@code limit} bytes (0 keeps nothing). */
  public ForgottenMarkers(long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    this.limit = limit;
  }

  /** One open cursor's registration: its published floor and what it lost. */
  public static final class Reader extends WeakReference<Object> {
    /**
     * Lowest revision the cursor may still need (see the class comment): {@link Long#MAX_VALUE},
     * "nothing", until the cursor publishes its first; after that it never decreases.
     */
    private volatile long floor;

    /** Highest dropped revision at or above the floor when it was dropped; 0 for none. */
    private volatile long lostThrough;

    private Reader(Object owner) {
      super(owner);
      this.floor = Long.MAX_VALUE;
    }

    /**
     * Publishes the floor: no revision below {@code floor} can still reach the cursor's handler
     * after an earlier record of the same key did. Called by the cursor's thread only, first before
     * it delivers anything; after that a floor only grows, since a forgetter may act on an old one.
     */
    public void floor(long floor) {
      long current = this.floor;
      // The first value replaces "needs nothing": the cursor has delivered nothing yet.
      if (current == Long.MAX_VALUE || floor > current) {
        this.floor = floor;
      }
    }

    /**
     * The highest revision this cursor may have needed but that was dropped (the log was full, or
     * the marker did not fit in it); 0 when none was. A cursor that cannot resolve a revision at or
     * below this has a gap.
     */
    public long lostThrough() {
      return lostThrough;
    }
  }

  /**
   * Registers a cursor. Its floor starts at "needs nothing": a cursor that has delivered nothing
   * can lose nothing, because a forgotten key takes all its records with it. The reader is held
   * weakly by {@code owner}'s identity: an owner dropped without being unregistered is pruned once
   * collected, so an abandoned cursor does not hold markers back for ever.
   */
  public synchronized Reader register(Object owner) {
    Reader reader = new Reader(owner);
    Reader[] current = readers;
    Reader[] grown = new Reader[current.length + 1];
    System.arraycopy(current, 0, grown, 0, current.length);
    grown[current.length] = reader;
    readers = grown;
    return reader;
  }

  /** Unregisters a cursor; the last one to go takes every kept marker with it. Idempotent. */
  public synchronized void unregister(Reader reader) {
    List<Reader> remaining = new ArrayList<>(readers.length);
    for (Reader each : readers) {
      if (each != reader) {
        remaining.add(each);
      }
    }
    readers = remaining.toArray(NO_READERS);
    trim(minimumFloor());
  }

  /** True when a cursor is registered; a forgetter reads this first and skips the rest if not. */
  public boolean watched() {
    return readers.length > 0;
  }

  /**
   * A cursor is starting over from the current state: what it lost before no longer matters. Called
   * by the cursor's thread before it reads the revision its new replay ends at.
   */
  public synchronized void restart(Reader reader) {
    reader.lostThrough = 0;
  }

  /**
   * Keeps the marker record of {@code length} bytes at {@code offset} in {@code page}, of {@code
   * revision}, if a cursor may still need it. Called under the segment's write lock, before the
   * record is freed.
   */
  public synchronized void remember(long revision, UnsafeBuffer page, int offset, int length) {
    long floor = minimumFloor();
    trim(floor);
    if (revision < floor) {
      return;
    }
    long charge = ENTRY_OVERHEAD + (long) length;
    if (charge > limit) {
      lost(revision);
      return;
    }
    byte[] record = new byte[length];
    page.getBytes(offset, record, 0, length);
    byte[] replaced = kept.put(revision, record);
    if (replaced != null) {
      bytes -= ENTRY_OVERHEAD + (long) replaced.length;
    }
    bytes += charge;
    while (bytes > limit) {
      Map.Entry<Long, byte[]> lowest = kept.pollFirstEntry();
      bytes -= ENTRY_OVERHEAD + (long) lowest.getValue().length;
      lost(lowest.getKey());
    }
    count = kept.size();
  }

  /** Copies the kept record of {@code revision} to {@code out} at 0; false when none is kept. */
  public boolean copy(long revision, MutableDirectBuffer out) {
    if (count == 0) {
      return false;
    }
    synchronized (this) {
      byte[] record = kept.get(revision);
      if (record == null) {
        return false;
      }
      out.putBytes(0, record);
      return true;
    }
  }

  /**
   * Adds {@code (revision, segment, 0)} triples for the kept markers with revisions in {@code
   * [from, to)} to {@code out}, {@code segment} being the caller's tag for "from this log".
   */
  public synchronized void collect(long from, long to, long segment, LongArrayList out) {
    if (from >= to) {
      return;
    }
    for (Long revision : kept.subMap(from, to).keySet()) {
      out.addLong(revision);
      out.addLong(segment);
      out.addLong(0L);
    }
  }

  /**
   * Drops what no cursor needs any more. Cursors call it after publishing a higher floor, only when
   * something is kept, so that the log shrinks as they catch up.
   */
  public void trim() {
    if (count == 0) {
      return;
    }
    synchronized (this) {
      trim(minimumFloor());
    }
  }

  /** Heap bytes charged for the kept markers now; never more than the limit. */
  public long bytes() {
    return bytes;
  }

  /** The most bytes the log keeps. */
  public long limit() {
    return limit;
  }

  /** Drops every marker and reader; the bucket is closing. */
  public synchronized void close() {
    readers = NO_READERS;
    trim(Long.MAX_VALUE);
  }

  /**
   * The lowest floor of the registered readers, {@link Long#MAX_VALUE} with none; prunes readers
   * whose cursor was collected. Caller holds the monitor.
   */
  private long minimumFloor() {
    Reader[] current = readers;
    long floor = Long.MAX_VALUE;
    int live = 0;
    for (Reader reader : current) {
      if (reader.get() != null) {
        floor = Math.min(floor, reader.floor);
        live++;
      }
    }
    if (live < current.length) {
      Reader[] pruned = new Reader[live];
      int at = 0;
      for (Reader reader : current) {
        if (reader.get() != null) {
          pruned[at++] = reader;
        }
      }
      readers = pruned;
    }
    return floor;
  }

  /** Drops kept markers below {@code floor}. Caller holds the monitor. */
  private void trim(long floor) {
    if (kept.isEmpty() || kept.firstKey() >= floor) {
      return;
    }
    NavigableMap<Long, byte[]> below = kept.headMap(floor, false);
    long freed = 0;
    for (byte[] record : below.values()) {
      freed += ENTRY_OVERHEAD + (long) record.length;
    }
    below.clear();
    bytes -= freed;
    count = kept.size();
  }

  /**
   * Tells every reader whose floor is at or below {@code revision} that it lost that marker. Caller
   * holds the monitor.
   */
  private void lost(long revision) {
    for (Reader reader : readers) {
      if (reader.floor <= revision && reader.lostThrough < revision) {
        reader.lostThrough = revision;
      }
    }
  }
}
