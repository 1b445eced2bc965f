package dev.cellar.engine.internal;

import dev.cellar.engine.MutationObserver;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.EpochClock;
import org.jspecify.annotations.Nullable;

/** What every segment of one bucket shares. */
public final class BucketContext {
  public final PageTable pageTable = new PageTable();
  public final RevisionSequence sequence = new RevisionSequence();
  public final AtomicLong bytesInUse = new AtomicLong();
  public final AtomicLong bytesReserved = new AtomicLong();
  public final AtomicLong evictions = new AtomicLong();
  public final AtomicLong expirations = new AtomicLong();
  public final EpochClock clock;
  public final MutationObserver observer;
  public final int history;

  /** Markers forgotten before every open watch cursor read them. */
  public final ForgottenMarkers forgotten;

  /**
   * How many times the bucket was cleared; written with every segment's write lock held, read by
   * watch cursors, which reset when it moves (a clear writes no revisions for them to follow).
   */
  public volatile long clearCount;

  public volatile @Nullable Journal journal;
  public volatile boolean closed;

  /**
   * A context for a bucket that keeps {@code history} versions per key and up to {@code
   * forgottenMarkerBytes} of forgotten markers for its watch cursors.
   */
  public BucketContext(
      EpochClock clock, MutationObserver observer, int history, long forgottenMarkerBytes) {
    this.clock = clock;
    this.observer = observer;
    this.history = history;
    this.forgotten = new ForgottenMarkers(forgottenMarkerBytes);
  }

  /** The journal; fails with {@link IllegalStateException} once the bucket is closed. */
  public Journal journal() {
    Journal current = journal;
    if (current == null) {
      throw new IllegalStateException("the bucket is closed");
    }
    return current;
  }

  /** Throws {@link IllegalStateException} once the bucket is closed. */
  public void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the bucket is closed");
    }
  }
}
