package dev.cellar;

import java.time.Duration;

/**
 * A multi-key transaction: checks and writes collected in order, applied all or nothing by {@link
 * #commit()}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Atomic<K, V> {
  /** Requires the key's latest record to have {@code revision}; 0: the key has no live value. */
  Atomic<K, V> check(K key, long revision);

  /** Writes the value (expiry as {@link Bucket#put(Object, Object)}). */
  Atomic<K, V> put(K key, V value);

  /** Writes the value to live for {@code ttl}. */
  Atomic<K, V> put(K key, V value, Duration ttl);

  /** Deletes the key's live value, if it has one. */
  Atomic<K, V> delete(K key);

  /** Evaluates every check and applies every write in one critical section, or none. */
  CommitResult commit();
}
