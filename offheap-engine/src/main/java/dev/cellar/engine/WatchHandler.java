package dev.cellar.engine;

/** Receives what a {@link WatchCursor} delivers, on the thread that polls it. */
public interface WatchHandler {
  /** One record; the view is valid until this call returns. */
  void onRecord(RecordView record);

  /**
   * The replay of existing records has ended; what follows are live changes. Called once after the
   * replay the cursor started with, and once more after each {@link #onReset()}'s replay.
   */
  default void onEndOfData() {}

  /**
   * The cursor lost changes it can no longer deliver (markers of forgotten keys that did not fit in
   * {@link BucketConfig#forgottenMarkerBytes()}, or the records a {@link OffHeapBucket#clear()}
   * dropped): discard everything learned from this cursor. What follows is the latest record of
   * every key (markers included) in revision order, starting again from low revisions, then {@link
   * #onEndOfData()}, then live changes, exactly as a new {@link WatchStart#LAST_PER_KEY} cursor
   * would deliver. The default does nothing, which suits a handler that keeps no state across
   * records.
   */
  default void onReset() {}
}
