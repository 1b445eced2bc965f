package dev.cellar;

/**
 * Receives what a {@link Watch} delivers, on the watch's own thread, never concurrently with itself
 * and in increasing revision order.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface Watcher<K, V> {
  /** One record. */
  void onEntry(BucketEntry<K, V> entry);

  /** The replay of existing records has ended; what follows are live changes. Called once. */
  default void onEndOfData() {}
}
