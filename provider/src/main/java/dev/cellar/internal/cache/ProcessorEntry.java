package dev.cellar.internal.cache;

import java.util.Objects;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.processor.MutableEntry;
import org.jspecify.annotations.Nullable;

/**
 * The entry an entry processor works on. It records what the processor did (nothing, a read, a
 * create, a load, an update or a remove) so that the cache applies exactly that afterwards, with
 * the matching writer call, expiry, statistics and event, as the reference implementation does.
 */
public final class ProcessorEntry<K, V> implements MutableEntry<K, V> {
  /** What the processor did to the entry. */
  public enum Operation {
    NONE,
    ACCESS,
    CREATE,
    LOAD,
    UPDATE,
    REMOVE
  }

  private final K key;
  private final @Nullable V existing;
  private final @Nullable CacheLoader<K, V> loader;
  private @Nullable V value;
  private Operation operation = Operation.NONE;

  /** An entry for {@code key} whose live value is {@code existing} (null if none). */
  public ProcessorEntry(K key, @Nullable V existing, @Nullable CacheLoader<K, V> loader) {
    this.key = key;
    this.existing = existing;
    this.loader = loader;
  }

  /** What the processor did. */
  public Operation operation() {
    return operation;
  }

  /** The value the processor set or loaded. */
  public @Nullable V newValue() {
    return value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  @SuppressWarnings("NullAway") // JCache: null when the entry does not exist.
  public V getValue() {
    if (operation == Operation.NONE) {
      value = existing;
      if (value != null) {
        operation = Operation.ACCESS;
      }
    }
    if (value == null && loader != null) {
      V loaded;
      try {
        loaded = loader.load(key);
      } catch (CacheLoaderException e) {
        throw e;
      } catch (Exception e) {
        throw new CacheLoaderException("the cache loader failed for key " + key, e);
      }
      if (loaded != null) {
        value = loaded;
        operation = Operation.LOAD;
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return (operation == Operation.NONE && existing != null) || value != null;
  }

  @Override
  public void remove() {
    operation =
        operation == Operation.CREATE || operation == Operation.LOAD
            ? Operation.NONE
            : Operation.REMOVE;
    value = null;
  }

  @Override
  public void setValue(V newValue) {
    Objects.requireNonNull(newValue, "value");
    operation = existing == null ? Operation.CREATE : Operation.UPDATE;
    value = newValue;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    throw new IllegalArgumentException("cannot unwrap an entry processor's entry");
  }
}
