package dev.cellar.internal.cache;

import dev.cellar.engine.OffHeapBucket;
import dev.cellar.engine.RecordOp;
import dev.cellar.internal.event.EventDispatcher;
import org.jspecify.annotations.Nullable;

/**
 * The frame every write of a cache runs in, for its JCache operations and its bucket view alike:
 * the key (and value) are encoded before any lock; the key is locked while the current state is
 * read and the write decided and made; synchronous listeners hear of the changes after the lock is
 * released, and their failure is thrown only once the write is done.
 *
 * <p>A body that runs no user code holds the key's stripe ({@link KeyLocks#lock}); one that may
 * (the cache has a writer or a custom expiry policy, or the caller says so) claims the key itself
 * ({@link KeyLocks#claim}), so user code that calls back into the cache cannot deadlock on keys
 * that merely share a stripe.
 */
public final class KeyedWrites<K, V> {
  /** How much of the key's current state is read before the body runs. */
  public enum Read {
    /** The live value, copied into the scratch, with its revision and expire-at. */
    VALUE,
    /** Only whether a live value exists, its revision and expire-at. */
    REVISION,
    /** Nothing: the body writes without looking (it is told {@code existed == false}). */
    NOTHING
  }

  /** What runs with the key locked. */
  @FunctionalInterface
  public interface Body {
    /** Decides and writes; the result is the caller's (a revision, or 1 and 0 for yes and no). */
    long apply(CacheCodec.Scratch scratch, boolean existed);
  }

  private final OffHeapBucket engine;
  private final CacheCodec<K, V> codec;
  private final KeyLocks locks;
  private final EventDispatcher<K, V> events;
  private final boolean writesCallUserCode;

  /**
   * The frame over one cache's engine bucket, codec, locks and event dispatcher; {@code
   * writesCallUserCode} when every write may run user code (a writer, a custom expiry policy).
   */
  public KeyedWrites(
      OffHeapBucket engine,
      CacheCodec<K, V> codec,
      KeyLocks locks,
      EventDispatcher<K, V> events,
      boolean writesCallUserCode) {
    this.engine = engine;
    this.codec = codec;
    this.locks = locks;
    this.events = events;
    this.writesCallUserCode = writesCallUserCode;
  }

  /** Runs {@code body} for {@code key} in the frame; {@code value}, if not null, is encoded too. */
  public long run(K key, @Nullable V value, Read read, Body body) {
    return run(key, value, read, writesCallUserCode, body);
  }

  /**
   * Like {@link #run(Object, Object, Read, Body)}, claiming the key exactly when {@code
   * callsUserCode}, whatever the cache's writes usually do.
   */
  public long run(K key, @Nullable V value, Read read, boolean callsUserCode, Body body) {
    CacheCodec.Scratch scratch = codec.acquire();
    int mark = events.begin();
    long result;
    try {
      codec.encodeKey(key, scratch);
      if (value != null) {
        codec.encodeValue(value, scratch);
      }
      if (callsUserCode) {
        KeyLocks.Claim claim = locks.claim(scratch.key, scratch.keyLength);
        try {
          result = readAndApply(scratch, read, body);
        } finally {
          locks.release(claim);
        }
      } else {
        KeyLocks.Stripe stripe = locks.lock(scratch.key, scratch.keyLength);
        try {
          result = readAndApply(scratch, read, body);
        } finally {
          locks.unlock(stripe);
        }
      }
    } catch (Throwable e) {
      events.end(mark);
      throw e;
    } finally {
      scratch.release();
    }
    RuntimeException failure = events.end(mark);
    if (failure != null) {
      throw failure;
    }
    return result;
  }

  private long readAndApply(CacheCodec.Scratch scratch, Read read, Body body) {
    boolean existed = read != Read.NOTHING && readLive(scratch, read == Read.VALUE) >= 0;
    return body.apply(scratch, existed);
  }

  /**
   * Reads the key's live value (into the scratch only when {@code readValue}); its length, or -1
   * when there is none. The revision and expire-at are always filled in (0 when there is none).
   */
  public int readLive(CacheCodec.Scratch scratch, boolean readValue) {
    int length =
        engine.get(
            scratch.key, 0, scratch.keyLength, readValue ? scratch.read : null, 0, scratch.info);
    scratch.readLength = Math.max(length, 0);
    if (length < 0) {
      scratch.info.set(0, RecordOp.PUT, 0, 0, 0);
    }
    return length;
  }
}
