package dev.cellar.internal.bucket;

import dev.cellar.Atomic;
import dev.cellar.CommitResult;
import dev.cellar.engine.AtomicBatch;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.internal.cache.CacheCodec;
import dev.cellar.internal.cache.ExpiryCalculator;
import dev.cellar.internal.cache.KeyLocks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * {@link Atomic} over the engine's {@link AtomicBatch}. Keys and values are encoded when an
 * operation is added, so a serialization failure surfaces there, before anything is locked.
 *
 * <p><b>Commit protocol.</b> The expiries are computed first, outside any lock. Then the stripes of
 * all the keys involved are taken in increasing stripe index (each once, once no other thread
 * claims any of the keys, see {@link KeyLocks#lockAll}), and the engine commit takes the segments
 * in index order: stripe, then segment, as everywhere. A PUT without a TTL gets the expiry policy's
 * creation expiry when the key has no live value at that point of the commit and its update expiry
 * otherwise; the engine decides which, under its locks. Synchronous listeners are awaited after the
 * stripes are released; the engine observer raised one event per record written, so listeners see
 * all of a commit's writes or none. Statistics count the PUT and DELETE records actually written.
 *
 * <p>Not thread-safe, like a builder: one thread builds and commits it.
 */
final class CacheAtomic<K, V> implements Atomic<K, V> {
  private enum Kind {
    CHECK,
    PUT,
    DELETE
  }

  /** One operation, its key (and value) encoded. */
  private record Op(
      Kind kind, byte[] key, byte @Nullable [] value, long revision, @Nullable Duration ttl) {}

  /** The outcome of one commit. */
  private record Result(boolean ok, long revision) implements CommitResult {}

  private final CacheBucket<K, V> bucket;
  private final CacheBucket.Parts<K, V> parts;
  private final List<Op> ops = new ArrayList<>();

  CacheAtomic(CacheBucket<K, V> bucket, CacheBucket.Parts<K, V> parts) {
    this.bucket = bucket;
    this.parts = parts;
  }

  @Override
  public Atomic<K, V> check(K key, long revision) {
    parts.host().ensureOpen();
    Objects.requireNonNull(key, "key");
    if (revision < 0) {
      throw new IllegalArgumentException(
          "a checked revision must not be negative, was " + revision);
    }
    ops.add(new Op(Kind.CHECK, encodeKey(key), null, revision, null));
    return this;
  }

  @Override
  public Atomic<K, V> put(K key, V value) {
    parts.host().ensureOpen();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    ops.add(new Op(Kind.PUT, encodeKey(key), encodeValue(value), 0, null));
    return this;
  }

  @Override
  public Atomic<K, V> put(K key, V value, Duration ttl) {
    parts.host().ensureOpen();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    CacheBucket.checkTtl(ttl);
    ops.add(new Op(Kind.PUT, encodeKey(key), encodeValue(value), 0, ttl));
    return this;
  }

  @Override
  public Atomic<K, V> delete(K key) {
    parts.host().ensureOpen();
    Objects.requireNonNull(key, "key");
    ops.add(new Op(Kind.DELETE, encodeKey(key), null, 0, null));
    return this;
  }

  @Override
  public CommitResult commit() {
    parts.host().ensureOpen();
    List<byte[]> keys = new ArrayList<>(ops.size());
    for (Op op : ops) {
      keys.add(op.key());
    }
    long start = System.nanoTime();
    // Built before any lock: a custom expiry policy is user code, and must not run under them.
    AtomicBatch batch = batch(parts.engine());
    int mark = parts.events().begin();
    long outcome;
    try {
      KeyLocks.Stripe[] held = parts.locks().lockAll(keys);
      try {
        outcome = batch.commit();
      } finally {
        parts.locks().unlockAll(held);
      }
    } catch (Throwable e) {
      parts.events().end(mark);
      throw e;
    }
    count(batch, start);
    RuntimeException failure = parts.events().end(mark);
    if (failure != null) {
      throw failure;
    }
    return outcome == AtomicBatch.FAILED ? new Result(false, 0) : new Result(true, outcome);
  }

  /** The engine batch for the operations, expiries computed now. */
  private AtomicBatch batch(OffHeapBucket engine) {
    AtomicBatch batch = engine.batch();
    long now = parts.clock().millis();
    ExpiryCalculator expiry = parts.expiry();
    for (Op op : ops) {
      UnsafeBuffer key = new UnsafeBuffer(op.key());
      switch (op.kind()) {
        case CHECK -> batch.check(key, 0, op.key().length, op.revision());
        case DELETE -> batch.delete(key, 0, op.key().length);
        case PUT -> {
          byte[] bytes = Objects.requireNonNull(op.value());
          UnsafeBuffer value = new UnsafeBuffer(bytes);
          Duration ttl = op.ttl();
          if (ttl != null) {
            long expireAt = bucket.expireAt(ttl);
            batch.put(key, 0, op.key().length, value, 0, bytes.length, expireAt);
          } else {
            long creation = expiry.forCreation(now);
            batch.put(
                key,
                0,
                op.key().length,
                value,
                0,
                bytes.length,
                creation == ExpiryCalculator.DO_NOT_STORE ? AtomicBatch.SKIP : creation,
                expiry.forUpdate(now));
          }
        }
      }
    }
    return batch;
  }

  private void count(AtomicBatch batch, long start) {
    if (!parts.host().statisticsEnabled()) {
      return;
    }
    long elapsed = System.nanoTime() - start;
    if (batch.writtenPuts() > 0) {
      parts.statistics().puts(batch.writtenPuts());
      parts.statistics().putTime(elapsed);
    }
    if (batch.writtenDeletes() > 0) {
      parts.statistics().removals(batch.writtenDeletes());
      parts.statistics().removeTime(elapsed);
    }
  }

  private byte[] encodeKey(K key) {
    CacheCodec.Scratch scratch = parts.codec().acquire();
    try {
      parts.codec().encodeKey(key, scratch);
      byte[] bytes = new byte[scratch.keyLength];
      scratch.key.getBytes(0, bytes);
      return bytes;
    } finally {
      scratch.release();
    }
  }

  private byte[] encodeValue(V value) {
    CacheCodec.Scratch scratch = parts.codec().acquire();
    try {
      parts.codec().encodeValue(value, scratch);
      byte[] bytes = new byte[scratch.valueLength];
      scratch.value.getBytes(0, bytes);
      return bytes;
    } finally {
      scratch.release();
    }
  }
}
