package dev.cellar.engine;

import dev.cellar.engine.internal.BatchCommit;
import dev.cellar.engine.internal.KeyHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.agrona.DirectBuffer;

/**
 * Checks and writes on several keys of one {@link OffHeapBucket}, applied all or nothing by {@link
 * #commit()}. Keys and values are copied (on heap) when an operation is added, so the caller's
 * buffers may be reused at once.
 *
 * <p>A commit evaluates every check and applies every write while it holds the write locks of all
 * the segments involved (taken in segment index order). Either every write happens, with
 * consecutive revisions in the order the operations were added (several operations on one key apply
 * in order), or, when a check fails, none does. A DELETE of a key that has no live value at that
 * point of the batch writes nothing. Before the checks, a key whose latest record is an expired
 * value gets its EXPIRE marker, as a single write does; making room for the records may evict other
 * keys; those markers precede the commit's revisions and are not part of it.
 *
 * <p>The records one commit writes to one segment may take at most {@link
 * OffHeapBucket#maxRecordLength()} bytes in all, so that the commit can always make room for them.
 *
 * <p>Not thread-safe: build and commit a batch on one thread. A batch may be committed again; each
 * commit evaluates its checks afresh.
 */
public final class AtomicBatch {
  /**
   * {@link #commit()} result when a check failed and nothing was written. Successful commits return
   * a revision, 0 or more.
   */
  public static final long FAILED = BatchCommit.FAILED;

  /**
   * Expire-at for {@link #put(DirectBuffer, int, int, DirectBuffer, int, int, long, long)} meaning
   * "do not write in this case".
   */
  public static final long SKIP = BatchCommit.SKIP;

  private final OffHeapBucket bucket;
  private final List<BatchCommit.Op> ops = new ArrayList<>();
  private final int[] written = new int[2];

  AtomicBatch(OffHeapBucket bucket) {
    this.bucket = bucket;
  }

  /**
   * Requires the key's latest record (a marker counts) to have {@code expectedRevision} at commit;
   * 0 requires the key to have no live value.
   */
  public AtomicBatch check(DirectBuffer key, int keyOffset, int keyLength, long expectedRevision) {
    OffHeapBucket.checkKey(key, keyOffset, keyLength);
    if (expectedRevision < 0) {
      throw new IllegalArgumentException(
          "expected revision must not be negative, was " + expectedRevision);
    }
    add(BatchCommit.CHECK, key, keyOffset, keyLength, null, 0, 0, expectedRevision, 0L, 0L);
    return this;
  }

  /**
   * Writes the value with {@code expireAt} (0 for never, or {@link OffHeapBucket#KEEP_EXPIRY} to
   * keep the expire-at of the live value it replaces).
   */
  public AtomicBatch put(
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      DirectBuffer value,
      int valueOffset,
      int valueLength,
      long expireAt) {
    return put(key, keyOffset, keyLength, value, valueOffset, valueLength, expireAt, expireAt);
  }

  /**
   * Writes the value with an expire-at that depends on whether the key has a live value at this
   * point of the commit: {@code expireAtIfAbsent} when it has none, {@code expireAtIfLive} when it
   * has one. Each is 0 (never), a time, {@link OffHeapBucket#KEEP_EXPIRY} (the replaced value's
   * expire-at, 0 without one) or {@link #SKIP} (write nothing in that case).
   */
  public AtomicBatch put(
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      DirectBuffer value,
      int valueOffset,
      int valueLength,
      long expireAtIfAbsent,
      long expireAtIfLive) {
    OffHeapBucket.checkKey(key, keyOffset, keyLength);
    OffHeapBucket.checkRange(
        "value", Objects.requireNonNull(value, "value"), valueOffset, valueLength);
    checkBatchExpireAt(expireAtIfAbsent);
    checkBatchExpireAt(expireAtIfLive);
    add(
        BatchCommit.PUT,
        key,
        keyOffset,
        keyLength,
        value,
        valueOffset,
        valueLength,
        0L,
        expireAtIfAbsent,
        expireAtIfLive);
    return this;
  }

  /** Writes a DELETE marker over the key's live value; nothing if it has none at that point. */
  public AtomicBatch delete(DirectBuffer key, int keyOffset, int keyLength) {
    OffHeapBucket.checkKey(key, keyOffset, keyLength);
    add(BatchCommit.DELETE, key, keyOffset, keyLength, null, 0, 0, 0L, 0L, 0L);
    return this;
  }

  /** Operations added so far, checks included. */
  public int size() {
    return ops.size();
  }

  /**
   * Applies the batch as the class comment says. Returns the revision of the commit's last write;
   * the bucket's latest revision when no operation writes anything (maybe 0); {@link #FAILED} when
   * a check failed. Throws {@link IllegalStateException} once the bucket is closed, and {@link
   * IllegalArgumentException} when the records for one segment exceed {@link
   * OffHeapBucket#maxRecordLength()}. When the {@link MutationObserver} throws, the commit is still
   * applied in full and the observer's first failure is thrown afterwards.
   */
  public long commit() {
    bucket.context().checkOpen();
    long[] bytes = new long[bucket.segments().length];
    for (BatchCommit.Op op : ops) {
      long length = op.recordLength();
      if (length > 0 && (bytes[op.segmentIndex()] += length) > bucket.maxRecordLength()) {
        throw new IllegalArgumentException(
            "the commit's records for one segment exceed "
                + bucket.maxRecordLength()
                + " bytes, the most one commit may write there");
      }
    }
    return BatchCommit.commit(bucket.context(), ops, written);
  }

  /** PUT records the latest {@link #commit()} wrote; 0 before one, or when it failed. */
  public int writtenPuts() {
    return written[0];
  }

  /** DELETE records the latest {@link #commit()} wrote; 0 before one, or when it failed. */
  public int writtenDeletes() {
    return written[1];
  }

  private void add(
      byte kind,
      DirectBuffer key,
      int keyOffset,
      int keyLength,
      @org.jspecify.annotations.Nullable DirectBuffer value,
      int valueOffset,
      int valueLength,
      long expected,
      long expireAtIfAbsent,
      long expireAtIfLive) {
    bucket.context().checkOpen();
    if (value != null) {
      // Before the copies: a value too large to store must not be copied onto the heap first.
      bucket.checkRecordLength(keyLength, valueLength);
    }
    byte[] keyBytes = new byte[keyLength];
    key.getBytes(keyOffset, keyBytes);
    byte[] valueBytes = null;
    if (value != null) {
      valueBytes = new byte[valueLength];
      value.getBytes(valueOffset, valueBytes);
    }
    int hash = KeyHash.hash(key, keyOffset, keyLength);
    ops.add(
        new BatchCommit.Op(
            kind,
            bucket.segmentFor(hash),
            hash,
            keyBytes,
            valueBytes,
            expected,
            expireAtIfAbsent,
            expireAtIfLive));
  }

  private static void checkBatchExpireAt(long expireAt) {
    if (expireAt < 0 && expireAt != OffHeapBucket.KEEP_EXPIRY && expireAt != SKIP) {
      throw new IllegalArgumentException(
          "expire-at must be 0 (never), a time, KEEP_EXPIRY or SKIP, was " + expireAt);
    }
  }
}
