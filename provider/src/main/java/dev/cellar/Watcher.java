package dev.cellar;

/**
 * Receives what a {@link Watch} delivers, on the watch's own thread, never concurrently with itself
 * and in increasing revision order (a {@link #onReset()} starts that order over).
 *
 * <p>A watcher that mirrors the bucket (a map of keys to their latest values, say) stays exact by
 * applying each entry to its key: a value replaces, a marker (DELETE, PURGE, EXPIRE, EVICT)
 * removes. Markers of keys that are then forgotten (by {@link Bucket#purgeDeletes()} or by
 * eviction) still arrive; only when too many of them pile up ahead of a slow watcher, or when the
 * cache is cleared ({@code Cache.clear()} writes no revisions), does the watch reset.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface Watcher<K, V> {
  /** One record. */
  void onEntry(BucketEntry<K, V> entry);

  /**
   * The replay of existing records has ended; what follows are live changes. Called once after the
   * watch's first replay, and once more after the replay that follows each {@link #onReset()}.
   */
  default void onEndOfData() {}

  /**
   * The watch lost changes it can no longer deliver: markers of keys forgotten while this watcher
   * lagged behind them, more than the bucket keeps for its watches, or the records that {@code
   * Cache.clear()} dropped. Discard everything learned from this watch. What follows is the latest
   * record of every matching key (revisions start over from low ones; only values with {@link
   * WatchOption#IGNORE_DELETES}), then {@link #onEndOfData()}, then live changes: rebuild from
   * those. The default does nothing, which suits a watcher that keeps no state across entries; one
   * that mirrors the bucket must override it, or a key forgotten during the gap stays in its
   * mirror.
   */
  default void onReset() {}
}
