package dev.cellar;

/** What a bucket record says happened to its key. Only {@link #PUT} records carry a value. */
public enum Operation {
  /** A value was written. */
  PUT,
  /** The value was deleted; earlier records stay in history. */
  DELETE,
  /** The key's history was dropped; this marker is all that remains. */
  PURGE,
  /** The value reached its expiry time. */
  EXPIRE,
  /** The value was evicted to keep the bucket within its byte budget. */
  EVICT
}
