package dev.cellar.engine;

import dev.cellar.engine.internal.Journal;
import java.util.Objects;
import org.agrona.BitUtil;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

/**
 * How an {@link OffHeapBucket} is sized and run. Built with {@link #builder()}; every setter checks
 * its argument at once and throws {@link IllegalArgumentException} (or {@link NullPointerException}
 * for a null) so that a bad configuration never reaches memory.
 *
 * <p>Defaults derive from the byte budget: one segment per 4 MiB (1 to 64), a journal of one
 * descriptor per KiB of budget (1,024 to 1,048,576; 65,536 at 64 MiB), pages of a sixteenth of a
 * segment's share (4 KiB to 1 MiB), and 64 heap bytes for forgotten markers per journal descriptor
 * (256 KiB to 16 MiB; 4 MiB at 64 MiB).
 */
public final class BucketConfig {
  /** The smallest byte budget a bucket accepts: 1 MiB. */
  public static final long MIN_MAX_BYTES = 1L << 20;

  /** The byte budget when none is set: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  /** The deepest history a bucket keeps per key. */
  public static final int MAX_HISTORY = 64;

  /** How often the background sweep looks for expired values when not set: 1 second. */
  public static final long DEFAULT_SWEEP_INTERVAL_MILLIS = 1000;

  // Each segment has one write lock, so the share sets how many writers can run at once: at 16 MiB
  // a 64 MiB bucket had 4 locks, and two threads putting Zipfian keys parked on them so often that
  // together they were slower than one. A smaller share also caps the largest record (a quarter of
  // a share), so 4 MiB keeps that at about 1 MiB.
  private static final long SEGMENT_SHARE = 4L << 20;
  private static final int MAX_SEGMENTS_DEFAULT = 64;
  private static final int MAX_SEGMENTS = 1024;
  private static final int MIN_JOURNAL = 16;
  private static final int MIN_PAGE = 4096;
  private static final int MAX_PAGE = 1 << 20;
  private static final long FORGOTTEN_PER_DESCRIPTOR = 64;
  private static final long MIN_FORGOTTEN_DEFAULT = 256L << 10;
  private static final long MAX_FORGOTTEN_DEFAULT = 16L << 20;

  private final long maxBytes;
  private final int history;
  private final int segments;
  private final int journalSize;
  private final int pageSize;
  private final EpochClock clock;
  private final long sweepIntervalMillis;
  private final MutationObserver observer;
  private final long forgottenMarkerBytes;

  private BucketConfig(Builder builder) {
    this.maxBytes = builder.maxBytes;
    this.history = builder.history;
    this.segments = builder.segments > 0 ? builder.segments : defaultSegments(maxBytes);
    this.journalSize = builder.journalSize > 0 ? builder.journalSize : defaultJournal(maxBytes);
    long journalBytes = Journal.ringLength(journalSize);
    if (journalBytes > maxBytes / 4) {
      throw new IllegalArgumentException(
          "a journal of "
              + journalSize
              + " descriptors ("
              + journalBytes
              + " bytes) takes more than a quarter of the byte budget "
              + maxBytes);
    }
    long share = (maxBytes - journalBytes - 64) / segments;
    if (share < 64 * 1024) {
      throw new IllegalArgumentException(
          segments + " segments leave less than 64 KiB each of " + maxBytes + " bytes");
    }
    this.pageSize = (int) Math.max(MIN_PAGE, Math.min(MAX_PAGE, Long.highestOneBit(share / 16)));
    this.clock = builder.clock;
    this.sweepIntervalMillis = builder.sweepIntervalMillis;
    this.observer = builder.observer;
    this.forgottenMarkerBytes =
        builder.forgottenMarkerBytes >= 0
            ? builder.forgottenMarkerBytes
            : defaultForgotten(journalSize);
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Bytes the bucket may hold off-heap: pages, index tables and journal. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Records kept per key, the latest included (1 to 64). */
  public int history() {
    return history;
  }

  /** Segments, a power of two. */
  public int segments() {
    return segments;
  }

  /** Descriptors in the journal ring, a power of two. */
  public int journalSize() {
    return journalSize;
  }

  /** Bytes per slab page. */
  public int pageSize() {
    return pageSize;
  }

  /** The clock that stamps writes and decides expiry. */
  public EpochClock clock() {
    return clock;
  }

  /** Milliseconds between background sweeps for expired values; 0 when there is none. */
  public long sweepIntervalMillis() {
    return sweepIntervalMillis;
  }

  /** Told of every mutation inside the segment lock. */
  public MutationObserver observer() {
    return observer;
  }

  /**
   * Heap bytes the bucket may use to keep markers forgotten before every open {@link WatchCursor}
   * read them (see {@link WatchCursor}); outside {@link #maxBytes()}, used only while a cursor lags
   * behind a forgotten marker.
   */
  public long forgottenMarkerBytes() {
    return forgottenMarkerBytes;
  }

  private static int defaultSegments(long maxBytes) {
    long segments = Long.highestOneBit(Math.max(1, maxBytes / SEGMENT_SHARE));
    return (int) Math.min(MAX_SEGMENTS_DEFAULT, segments);
  }

  /**
   * Room for about one forgotten marker of a short key (some 150 bytes charged) per two or three
   * revisions the journal holds: a cursor that the journal has not lapped rarely has to reset
   * unless most of what it lags behind is forgotten markers.
   */
  private static long defaultForgotten(int journalSize) {
    return Math.max(
        MIN_FORGOTTEN_DEFAULT,
        Math.min(MAX_FORGOTTEN_DEFAULT, journalSize * FORGOTTEN_PER_DESCRIPTOR));
  }

  private static int defaultJournal(long maxBytes) {
    long size = Long.highestOneBit(Math.max(1, maxBytes / 1024));
    return (int) Math.max(1024, Math.min(1 << 20, size));
  }

  @Override
  public String toString() {
    return "BucketConfig{maxBytes="
        + maxBytes
        + ", history="
        + history
        + ", segments="
        + segments
        + ", journalSize="
        + journalSize
        + ", pageSize="
        + pageSize
        + ", sweepIntervalMillis="
        + sweepIntervalMillis
        + ", forgottenMarkerBytes="
        + forgottenMarkerBytes
        + '}';
  }

  /** Collects settings; {@link #build()} derives what was left out. */
  public static final class Builder {
    private long maxBytes = DEFAULT_MAX_BYTES;
    private int history = 1;
    private int segments;
    private int journalSize;
    private EpochClock clock = SystemEpochClock.INSTANCE;
    private long sweepIntervalMillis = DEFAULT_SWEEP_INTERVAL_MILLIS;
    private MutationObserver observer = MutationObserver.NONE;
    private long forgottenMarkerBytes = -1;

    private Builder() {}

    /** The byte budget; at least {@link #MIN_MAX_BYTES}. */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < MIN_MAX_BYTES) {
        throw new IllegalArgumentException(
            "maxBytes must be at least " + MIN_MAX_BYTES + " bytes, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /** Records kept per key, 1 (the default) to 64. */
    public Builder history(int history) {
      if (history < 1 || history > MAX_HISTORY) {
        throw new IllegalArgumentException("history must be 1 to 64, was " + history);
      }
      this.history = history;
      return this;
    }

    /** Segments: a power of two from 1 to 1024. */
    public Builder segments(int segments) {
      if (segments < 1 || segments > MAX_SEGMENTS || !BitUtil.isPowerOfTwo(segments)) {
        throw new IllegalArgumentException(
            "segments must be a power of two from 1 to 1024, was " + segments);
      }
      this.segments = segments;
      return this;
    }

    /** Journal descriptors: a power of two, at least 16. */
    public Builder journalSize(int journalSize) {
      if (journalSize < MIN_JOURNAL || !BitUtil.isPowerOfTwo(journalSize)) {
        throw new IllegalArgumentException(
            "journalSize must be a power of two of at least 16, was " + journalSize);
      }
      this.journalSize = journalSize;
      return this;
    }

    /** The clock for write times and expiry; tests pass a {@code CachedEpochClock}. */
    public Builder clock(EpochClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Milliseconds between background sweeps; 0 turns the background sweep off. */
    public Builder sweepIntervalMillis(long sweepIntervalMillis) {
      if (sweepIntervalMillis < 0) {
        throw new IllegalArgumentException(
            "sweepIntervalMillis must not be negative, was " + sweepIntervalMillis);
      }
      this.sweepIntervalMillis = sweepIntervalMillis;
      return this;
    }

    /** The observer told of every mutation. */
    public Builder observer(MutationObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Heap bytes for markers forgotten (by {@link OffHeapBucket#purgeDeletes()}, eviction or the
     * marker ring) before every open watch cursor read them, so that the cursors still deliver
     * them. Each is charged its record (48 bytes and the key) plus 96 bytes. When a marker does not
     * fit, a cursor that needed it resets (see {@link WatchHandler#onReset()}). 0 keeps none.
     */
    public Builder forgottenMarkerBytes(long forgottenMarkerBytes) {
      if (forgottenMarkerBytes < 0) {
        throw new IllegalArgumentException(
            "forgottenMarkerBytes must not be negative, was " + forgottenMarkerBytes);
      }
      this.forgottenMarkerBytes = forgottenMarkerBytes;
      return this;
    }

    /** The configuration; fails if the parts do not fit together. */
    public BucketConfig build() {
      return new BucketConfig(this);
    }
  }
}
