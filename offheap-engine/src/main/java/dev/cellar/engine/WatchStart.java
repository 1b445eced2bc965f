package dev.cellar.engine;

/** Where a {@link WatchCursor} starts. Every mode ends its replay with end-of-data. */
public enum WatchStart {
  /** The latest record of every key (markers included), in revision order, then live changes. */
  LAST_PER_KEY,
  /** Every retained record of every key, in revision order, then live changes. */
  INCLUDE_HISTORY,
  /** Nothing old: end-of-data at once, then only changes made after the cursor was opened. */
  UPDATES_ONLY,
  /** Every retained record whose revision is at least the given one, then live changes. */
  FROM_REVISION
}
