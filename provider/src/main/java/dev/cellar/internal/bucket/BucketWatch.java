package dev.cellar.internal.bucket;

import dev.cellar.BucketEntry;
import dev.cellar.KeyFilter;
import dev.cellar.Watch;
import dev.cellar.Watcher;
import dev.cellar.engine.RecordOp;
import dev.cellar.engine.RecordView;
import dev.cellar.engine.WatchCursor;
import dev.cellar.engine.WatchHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running {@link Watch}: one daemon thread polls the engine's {@link WatchCursor} and hands the
 * matching records to the watcher, so the watcher is never called concurrently with itself and sees
 * revisions in increasing order (starting over after a reset, which it hears of through {@link
 * Watcher#onReset()}, whatever its filter and options). Each watcher call runs holding {@code
 * delivering}, which {@link #close()} acquires once after setting {@code closed}: when close
 * returns, no call is in progress and none will start.
 */
final class BucketWatch<K, V> implements Watch, WatchHandler {
  private static final Logger LOGGER = Logger.getLogger(BucketWatch.class.getName());
  private static final int BATCH = 256;
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final WatchCursor cursor;
  private final KeyFilter filter;
  private final Watcher<K, V> watcher;
  private final boolean putsOnly;
  private final boolean withValues;
  private final KeyDecoder<K, V> keys;
  private final ReentrantLock delivering = new ReentrantLock();
  private final Thread thread;
  private volatile boolean closed;
  private volatile long lastRevision;
  private final Consumer<BucketWatch<K, V>> ended;

  /**
   * The revision up to which the cursor has read and the watcher has handled every record: set by
   * the watch thread after each poll, so a watcher stuck in a call holds it back. Read by {@link
   * CacheBucket#maxWatchLag()}.
   */
  private volatile long consumed;

  /**
   * A watch over {@code cursor}, not yet started: PUT records only when {@code putsOnly}, values
   * only when {@code withValues}; {@code ended} runs when the watch closes or its thread ends
   * (possibly twice).
   */
  BucketWatch(
      String bucket,
      WatchCursor cursor,
      KeyFilter filter,
      Watcher<K, V> watcher,
      boolean putsOnly,
      boolean withValues,
      KeyDecoder<K, V> keys,
      Consumer<BucketWatch<K, V>> ended) {
    this.cursor = cursor;
    this.ended = ended;
    this.filter = filter;
    this.watcher = watcher;
    this.putsOnly = putsOnly;
    this.withValues = withValues;
    this.keys = keys;
    this.thread = new Thread(this::run, "cellar-watch-" + bucket);
    thread.setDaemon(true);
  }

  /** Decodes records for a watch, on the watch's thread. */
  interface KeyDecoder<K, V> {
    /** The key of {@code record}. */
    K key(RecordView record);

    /** The entry of {@code record} for {@code key}, with its value when {@code withValue}. */
    BucketEntry<K, V> entry(K key, RecordView record, boolean withValue);
  }

  /** Starts the delivery thread. */
  void start() {
    thread.start();
  }

  @Override
  public long lastRevision() {
    return lastRevision;
  }

  /** The revision up to which this watch has handled every record; 0 before its first poll. */
  long consumed() {
    return consumed;
  }

  @Override
  public void close() {
    closed = true;
    ended.accept(this);
    if (Thread.currentThread() != thread) {
      LockSupport.unpark(thread);
      // wait for a watcher call in progress; later calls see closed and do not start
      delivering.lock();
      delivering.unlock();
    }
  }

  private void run() {
    try {
      while (!closed) {
        int delivered = cursor.poll(this, BATCH);
        // Fewer than a batch means the cursor reached the journal's head: everything before its
        // position is handled. A full batch means only what it delivered is known to be handled.
        consumed = delivered < BATCH ? cursor.position() - 1 : cursor.lastRevision();
        if (delivered == 0 && !closed) {
          LockSupport.parkNanos(IDLE_NANOS);
        }
      }
    } catch (IllegalStateException e) {
      // the cache was closed: the watch ends with it
    } finally {
      cursor.close();
      ended.accept(this);
    }
  }

  @Override
  public void onRecord(RecordView record) {
    if (closed || (putsOnly && record.op() != RecordOp.PUT)) {
      return;
    }
    BucketEntry<K, V> entry;
    try {
      K key = keys.key(record);
      if (!filter.matches(key)) {
        return;
      }
      entry = keys.entry(key, record, withValues);
    } catch (Exception e) {
      // One record that does not decode, or that the filter chokes on, must not end the watch.
      LOGGER.log(
          Level.WARNING,
          "a bucket watch skipped revision " + record.revision() + ": it could not be read",
          e);
      return;
    }
    deliver(
        () -> {
          lastRevision = entry.revision();
          watcher.onEntry(entry);
        });
  }

  @Override
  public void onEndOfData() {
    deliver(watcher::onEndOfData);
  }

  @Override
  public void onReset() {
    deliver(watcher::onReset);
  }

  private void deliver(Runnable call) {
    delivering.lock();
    try {
      if (closed) {
        return;
      }
      call.run();
    } catch (Exception e) {
      // a failing watcher keeps its watch: the next record may well succeed
      LOGGER.log(Level.WARNING, "a bucket watcher failed", e);
    } finally {
      delivering.unlock();
    }
  }
}
