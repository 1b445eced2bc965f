package dev.cellar;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One record of a bucket: a value or a marker, with its revision and times. Immutable.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface BucketEntry<K, V> {
  /** The name of the bucket the record belongs to. */
  String bucket();

  /** The record's key. */
  K key();

  /** The value; null for markers (and for watches with {@link WatchOption#META_ONLY}). */
  @Nullable V value();

  /** The record's revision, at least 1. */
  long revision();

  /** What the record says happened. */
  Operation operation();

  /** When the record was written, by the bucket's clock. */
  Instant created();

  /** When the value expires; null if never (always null for markers). */
  @Nullable Instant expiresAt();
}
