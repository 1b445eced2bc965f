package dev.cellar.internal.event;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/** One JCache event, with the old value only when the listener asked for it. */
public final class CellarEntryEvent<K, V> extends CacheEntryEvent<K, V> {
  private static final long serialVersionUID = 1L;

  private final K key;
  private final transient @Nullable V value;
  private final transient @Nullable V oldValue;
  private final boolean oldValueAvailable;

  /** An event of {@code type} from {@code source}. */
  public CellarEntryEvent(
      Cache<K, V> source,
      EventType type,
      K key,
      @Nullable V value,
      @Nullable V oldValue,
      boolean oldValueAvailable) {
    super(source, type);
    this.key = key;
    this.value = value;
    this.oldValue = oldValue;
    this.oldValueAvailable = oldValueAvailable;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  @SuppressWarnings("NullAway") // JCache declares no nullness; REMOVED/EXPIRED may carry none.
  public V getValue() {
    return value;
  }

  @Override
  @SuppressWarnings("NullAway") // null when the old value is not available, as JCache says.
  public V getOldValue() {
    return oldValue;
  }

  @Override
  public boolean isOldValueAvailable() {
    return oldValueAvailable;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a cache entry event to " + clazz);
  }

  @Override
  public String toString() {
    return "CellarEntryEvent{" + getEventType() + " " + key + '}';
  }
}
