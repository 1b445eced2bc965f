package dev.cellar.internal.cache;

import javax.cache.Cache;

/** An immutable key-value pair handed out by iterators and to cache writers. */
public final class CellarEntry<K, V> implements Cache.Entry<K, V> {
  private final K key;
  private final V value;

  /** An entry of {@code key} and {@code value}. */
  public CellarEntry(K key, V value) {
    this.key = key;
    this.value = value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a cache entry to " + clazz);
  }

  @Override
  public String toString() {
    return "CellarEntry{" + key + '=' + value + '}';
  }
}
