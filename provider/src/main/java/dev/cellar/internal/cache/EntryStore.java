package dev.cellar.internal.cache;

import dev.cellar.engine.OffHeapBucket;
import dev.cellar.engine.WriteOutcome;
import java.time.Clock;
import java.util.Objects;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;

/**
 * What a JCache operation does to one key in the engine: the mutation frame (the key locked, its
 * live value read), and the writes within it, each applying the expiry policy as JCache requires:
 * store with the creation or update expiry, delete only the value that was read, move the expire-at
 * on access.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class EntryStore<K, V> {
  /**
   * What a mutating operation does once the key is locked and its current value read: a yes or no
   * that adapts to the frame's body (1 or 0).
   */
  public interface Action extends KeyedWrites.Body {
    /** Decides and applies; returns whether the operation did what it was asked. */
    boolean decide(CacheCodec.Scratch scratch, boolean existed);

    @Override
    default long apply(CacheCodec.Scratch scratch, boolean existed) {
      return decide(scratch, existed) ? 1 : 0;
    }
  }

  private final String cacheName;
  private final OffHeapBucket bucket;
  private final KeyedWrites<K, V> writes;
  private final ExpiryCalculator expiry;
  private final Clock clock;
  private final Class<?> keyType;
  private final Class<?> valueType;

  // The bodies of the puts, made once: a lambda that reads a field captures this, and would be a
  // new object on every call whenever escape analysis gives up.
  private final Action eternalPut = this::writeKeepingExpiry;
  private final Action storeOverRead =
      (scratch, existed) -> store(scratch, existed, scratch.info.revision());

  /**
   * The store of the cache {@code cacheName} over {@code bucket}, whose keys and values must be
   * instances of {@code keyType} and {@code valueType} ({@code Object} for any).
   */
  public EntryStore(
      String cacheName,
      OffHeapBucket bucket,
      KeyedWrites<K, V> writes,
      ExpiryCalculator expiry,
      Clock clock,
      Class<?> keyType,
      Class<?> valueType) {
    this.cacheName = cacheName;
    this.bucket = bucket;
    this.writes = writes;
    this.expiry = expiry;
    this.clock = clock;
    this.keyType = keyType;
    this.valueType = valueType;
  }

  /**
   * Runs {@code action} for {@code key} with the key locked and its live value (if any) read into
   * the scratch; {@code value}, if not null, is encoded first, before any lock. Synchronous
   * listeners hear of the changes after the lock is released.
   */
  public boolean mutate(K key, @Nullable V value, Action action) {
    return mutate(key, value, KeyedWrites.Read.VALUE, action);
  }

  /**
   * Like {@link #mutate(Object, Object, Action)} for an action that runs user code (an entry
   * processor): the key itself is claimed, so the user code may call the cache on other keys.
   */
  public boolean mutateCallingUserCode(K key, Action action) {
    return writes.run(key, null, KeyedWrites.Read.VALUE, true, action) != 0;
  }

  /**
   * Like {@link #mutate(Object, Object, Action)} for actions that need only to know whether a live
   * value exists and its revision: the value is not copied out of the engine.
   */
  public boolean mutateWithoutValue(K key, @Nullable V value, Action action) {
    return mutate(key, value, KeyedWrites.Read.REVISION, action);
  }

  /** Like {@link #mutate(Object, Object, Action)}, reading as {@code read} says. */
  public boolean mutate(K key, @Nullable V value, KeyedWrites.Read read, Action action) {
    return writes.run(key, value, read, action) != 0;
  }

  /**
   * A put under the eternal policy with no writer: one engine write, no read first, because a new
   * entry never expires and an update keeps its expire-at (KEEP_EXPIRY says both). The key is still
   * locked, so entry processors and loaders see puts in order.
   */
  public boolean putEternal(K key, V value) {
    return mutate(key, value, KeyedWrites.Read.NOTHING, eternalPut);
  }

  /**
   * A put with no writer under an expiry policy that is not eternal: the live value's revision is
   * read first (the update expiry applies to it, the creation expiry otherwise), then the value is
   * stored with that expiry.
   */
  public boolean put(K key, V value) {
    return mutateWithoutValue(key, value, storeOverRead);
  }

  /** Reads the key's live value into the scratch; its length, or -1 when there is none. */
  public int readLive(CacheCodec.Scratch scratch) {
    return writes.readLive(scratch, true);
  }

  /**
   * Stores the encoded value with the expiry for a create or an update; retries when an expiry or
   * eviction changed the key since it was read. Returns false when the creation expiry is zero.
   */
  public boolean store(CacheCodec.Scratch scratch, boolean existed, long expected) {
    boolean exists = existed;
    long revision = expected;
    while (true) {
      long now = clock.millis();
      long expireAt = exists ? expiry.forUpdate(now) : expiry.forCreation(now);
      if (expireAt == ExpiryCalculator.DO_NOT_STORE) {
        return false;
      }
      long outcome;
      try {
        outcome =
            bucket.update(
                scratch.key,
                0,
                scratch.keyLength,
                scratch.value,
                0,
                scratch.valueLength,
                expireAt,
                exists ? revision : 0);
      } catch (IllegalArgumentException e) {
        throw cannotStore(e);
      }
      if (WriteOutcome.succeeded(outcome)) {
        return true;
      }
      exists = bucket.get(scratch.key, 0, scratch.keyLength, null, 0, scratch.info) >= 0;
      revision = exists ? scratch.info.revision() : 0;
    }
  }

  /** Deletes the live value read into the scratch; false if it changed meanwhile. */
  public boolean delete(CacheCodec.Scratch scratch) {
    long outcome = bucket.delete(scratch.key, 0, scratch.keyLength, scratch.info.revision());
    return WriteOutcome.succeeded(outcome);
  }

  /** Applies the expiry policy's access duration to the key whose live value was just read. */
  public void touch(CacheCodec.Scratch scratch) {
    if (!expiry.accessMatters()) {
      return;
    }
    long expireAt = expiry.forAccess(clock.millis());
    if (expireAt != ExpiryCalculator.UNCHANGED) {
      bucket.touch(scratch.key, 0, scratch.keyLength, expireAt);
    }
  }

  /**
   * Throws {@link NullPointerException} for a null key or value and {@link ClassCastException} for
   * one of the wrong type.
   */
  public void checkEntry(@Nullable K key, @Nullable V value) {
    checkKey(key);
    checkValue(value, "value");
  }

  /**
   * Throws {@link NullPointerException} for a null key and {@link ClassCastException} for one of
   * the wrong type: reads and removes check their key as writes do, as JCache documents for a cache
   * with runtime type checking.
   */
  public void checkKey(@Nullable Object key) {
    Objects.requireNonNull(key, "key");
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException(
          "key of " + key.getClass().getName() + " is not a " + keyType.getName());
    }
  }

  /**
   * Throws {@link NullPointerException} for a null value and {@link ClassCastException} for one of
   * the wrong type; {@code what} names the argument in the message.
   */
  public void checkValue(@Nullable Object value, String what) {
    Objects.requireNonNull(value, what);
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException(
          what + " of " + value.getClass().getName() + " is not a " + valueType.getName());
    }
  }

  private boolean writeKeepingExpiry(CacheCodec.Scratch scratch, boolean existed) {
    try {
      bucket.put(
          scratch.key,
          0,
          scratch.keyLength,
          scratch.value,
          0,
          scratch.valueLength,
          OffHeapBucket.KEEP_EXPIRY);
    } catch (IllegalArgumentException e) {
      throw cannotStore(e);
    }
    return true;
  }

  /**
   * Throws the {@link CacheException} a store of the encoded key and value would throw, because
   * their record is larger than the bucket takes: a write-through checks this before the writer
   * sees the value, so that the system of record never gets a value the cache then refuses.
   */
  public void checkFits(CacheCodec.Scratch scratch) {
    try {
      bucket.checkRecordLength(scratch.keyLength, scratch.valueLength);
    } catch (IllegalArgumentException e) {
      throw cannotStore(e);
    }
  }

  /** The engine refused a record (too large for the budget): the JCache answer for it. */
  private CacheException cannotStore(IllegalArgumentException e) {
    return new CacheException(
        "cannot store the entry in cache "
            + cacheName
            + ": "
            + e.getMessage()
            + "; one entry may take a quarter of a segment's share of max-bytes, and this cache"
            + " has "
            + bucket.config().segments()
            + " segments: a larger max-bytes or fewer segments let larger entries in",
        e);
  }
}
