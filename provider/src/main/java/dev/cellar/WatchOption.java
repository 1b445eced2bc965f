package dev.cellar;

/** Changes what a {@link Bucket#watch} delivers. */
public enum WatchOption {
  /** Replay every retained record of matching keys, not only the latest. */
  INCLUDE_HISTORY,
  /** Replay nothing: end-of-data at once, then only changes made after the watch started. */
  UPDATES_ONLY,
  /** Deliver PUT records only: no DELETE, PURGE, EXPIRE or EVICT. */
  IGNORE_DELETES,
  /** Deliver records without their values (values are null). */
  META_ONLY
}
