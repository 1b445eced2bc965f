package dev.cellar;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The key-value view of a Cellar cache, obtained with {@code cache.unwrap(Bucket.class)}: the same
 * data as the cache, with bucket-wide revisions, compare-and-set by revision, soft delete and
 * purge, per-key history, listing and status.
 *
 * <p>Revisions start at 1 and strictly increase across the bucket; 0 never names a revision. Bucket
 * writes take the key's lock as JCache operations do, fire the cache's JCache listener events and
 * count in its statistics ({@code CachePuts}, {@code CacheRemovals}); they never call the cache's
 * loader or writer. Bucket reads count nothing and do not apply the expiry policy's access
 * duration.
 *
 * <p>Null keys, values, TTLs and filters give {@link NullPointerException}; a zero or negative TTL
 * or a non-positive {@code limit} gives {@link IllegalArgumentException}; every method but {@link
 * #name()} throws {@link IllegalStateException} once the cache is closed.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Bucket<K, V> {
  /** The bucket's name: the cache's name. */
  String name();

  /** The latest revision assigned in this bucket; 0 if none. */
  long revision();

  /** The key's live value; null if absent, deleted, purged or expired. */
  @Nullable BucketEntry<K, V> get(K key);

  /**
   * The key's record of exactly {@code revision}, whatever its operation; null if it is not
   * retained, and null for a revision below 1 (which names no record). A live value that fell due
   * is expired first (its EXPIRE record takes the next revision), as {@link #get(Object)} does.
   */
  @Nullable BucketEntry<K, V> get(K key, long revision);

  /**
   * Writes the value and returns its revision. Its expiry follows the cache's {@code ExpiryPolicy}
   * exactly as {@code Cache.put} does (creation duration over no live value, update duration over
   * one); when the creation duration is zero nothing is stored and 0 is returned.
   */
  long put(K key, V value);

  /** Writes the value to live for {@code ttl} (whole milliseconds, rounded up); its revision. */
  long put(K key, V value, Duration ttl);

  /**
   * Writes the value only when the key has no live value (a DELETE, PURGE or EXPIRE marker is no
   * value); its revision, or 0 if the key has a live value. The expiry is the policy's creation
   * duration (0, nothing stored, when that is zero).
   */
  long create(K key, V value);

  /** As {@link #create(Object, Object)}, the value living for {@code ttl}. */
  long create(K key, V value, Duration ttl);

  /**
   * Writes the value only when the key's latest record, markers included, has {@code
   * expectedRevision}; the new revision, or 0 on a mismatch. An expected revision of 0 accepts only
   * a key without a live value. The expiry follows the policy as {@link #put(Object, Object)} does.
   */
  long update(K key, V value, long expectedRevision);

  /** Writes a DELETE marker over the live value, keeping history; its revision, 0 if none. */
  long delete(K key);

  /**
   * Writes a DELETE marker when the key's latest record has {@code expectedRevision} and is a live
   * value; its revision, or 0.
   */
  long delete(K key, long expectedRevision);

  /** Drops the key's history and leaves a PURGE marker (also for an unknown key); its revision. */
  long purge(K key);

  /** As {@link #purge(Object)}, only when the key's latest record has {@code expectedRevision}. */
  long purge(K key, long expectedRevision);

  /**
   * Forgets keys whose latest record is a marker, writing no revision; how many keys. Watches that
   * have not yet delivered such a marker still deliver it.
   */
  int purgeDeletes();

  /**
   * The key's retained records oldest first, markers included; empty if none. A live value that
   * fell due is expired first, so the history ends with its EXPIRE record, never shows it live.
   */
  List<BucketEntry<K, V>> history(K key);

  /** Keys with a live, unexpired value; weakly consistent. */
  Stream<K> keys();

  /** Keys with a live, unexpired value that {@code filter} matches; weakly consistent. */
  Stream<K> keys(KeyFilter filter);

  /**
   * One page of live keys that {@code filter} matches, ordered by {@code String.compareTo} of
   * {@code String.valueOf(key)}, starting after {@code cursor} (null to start). A page holds
   * exactly {@code limit} keys except the last; the page holding the last key is complete and has
   * no cursor. A cursor is a reusable position; one this bucket did not hand out gives {@link
   * IllegalArgumentException}.
   */
  KeyPage<K> list(KeyFilter filter, @Nullable String cursor, int limit);

  /**
   * Watches matching keys: by default the latest record of each, then {@link
   * Watcher#onEndOfData()}, then live changes.
   *
   * <p>Every change of a matching key reaches the watcher, or a later change of the same key does:
   * a watcher that falls behind may skip versions that were superseded meanwhile (or, lapped by the
   * journal, get the latest record of every key changed since), but never a key's latest record,
   * markers included, even when the key was then forgotten by {@link #purgeDeletes()} or by
   * eviction. Should the bucket be unable to keep such markers for a watcher that lags too far
   * (they are kept on the heap, in a bounded allowance), the watcher is told so by {@link
   * Watcher#onReset()} and gets the current state again. {@code Cache.clear()} writes no revisions
   * and is not watched.
   */
  Watch watch(KeyFilter filter, Watcher<K, V> watcher, WatchOption... options);

  /**
   * Watches matching keys from {@code fromRevision} (at least 1): retained records from there, then
   * {@link Watcher#onEndOfData()}, then live changes.
   */
  Watch watch(KeyFilter filter, long fromRevision, Watcher<K, V> watcher, WatchOption... options);

  /** A multi-key compare-and-set transaction. */
  Atomic<K, V> atomic();

  /** Figures of the bucket now; due values are expired first. */
  BucketStatus status();
}
