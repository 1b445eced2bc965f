package dev.cellar;

import dev.cellar.internal.cache.ImmutableTypes;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.jspecify.annotations.Nullable;

/**
 * A JCache configuration with Cellar's own settings: the off-heap byte budget, history depth,
 * serializers, the near tier, the executor for asynchronous listeners, the clock, and the filter
 * for Java deserialization. Every setter checks its argument and returns this configuration, so
 * settings chain. A plain {@link MutableConfiguration} works too and gets the defaults below.
 *
 * <p>Cellar always stores by value (off-heap bytes); {@code setStoreByValue(false)} is accepted and
 * means the same, because values never live on the heap to be shared by reference.
 *
 * <p>A serialized configuration keeps the serializers, the listener executor and the clock that are
 * themselves {@link Serializable}; one that is not comes back as the default (the built-in
 * serializers, the common pool, the system clock).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class CellarConfiguration<K, V> extends MutableConfiguration<K, V> {
  /** The byte budget when none is set: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  /** The smallest byte budget accepted: 4 MiB. */
  public static final long MIN_MAX_BYTES = 4L << 20;

  /**
   * {@link #getForgottenMarkerBytes()} when none is set: the engine sizes it by the journal (64
   * bytes per revision it holds, 256 KiB to 16 MiB).
   */
  public static final long DEFAULT_FORGOTTEN_MARKER_BYTES = -1;

  /**
   * {@link #getSegments()} when none is set: the engine gives the bucket one segment per 4 MiB of
   * {@link #getMaxBytes()}, 1 to 64.
   */
  public static final int DEFAULT_SEGMENTS = 0;

  /** The most segments a cache may have. */
  public static final int MAX_SEGMENTS = 1024;

  private static final long serialVersionUID = 1L;

  private long maxBytes = DEFAULT_MAX_BYTES;
  private int history = 1;
  private transient @Nullable Serializer<K> keySerializer;
  private transient @Nullable Serializer<V> valueSerializer;
  private transient @Nullable Executor listenerExecutor;
  private transient Clock clock = Clock.systemUTC();
  // The four transient fields travel by hand, in writeObject, when they are Serializable.
  private @Nullable String deserializationFilter;
  private boolean timers;
  private long nearCacheSize;
  private long forgottenMarkerBytes = DEFAULT_FORGOTTEN_MARKER_BYTES;
  private int segments = DEFAULT_SEGMENTS;
  private Set<Class<?>> immutableTypes = Set.of();

  /** A configuration with every default: eternal, no loader or writer, 64 MiB, history 1. */
  public CellarConfiguration() {}

  /** A copy of {@code configuration}, including Cellar's settings when it has them. */
  public CellarConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof CellarConfiguration<K, V> cellar) {
      this.maxBytes = cellar.maxBytes;
      this.history = cellar.history;
      this.keySerializer = cellar.keySerializer;
      this.valueSerializer = cellar.valueSerializer;
      this.listenerExecutor = cellar.listenerExecutor;
      this.clock = cellar.clock;
      this.deserializationFilter = cellar.deserializationFilter;
      this.timers = cellar.timers;
      this.nearCacheSize = cellar.nearCacheSize;
      this.forgottenMarkerBytes = cellar.forgottenMarkerBytes;
      this.segments = cellar.segments;
      this.immutableTypes = cellar.immutableTypes;
    }
  }

  /** The off-heap byte budget: index, records, history and journal all count. */
  public long getMaxBytes() {
    return maxBytes;
  }

  /**
   * Sets the off-heap byte budget (default 64 MiB, at least 4 MiB). When it is reached the cache
   * evicts; it never holds more.
   *
   * @throws IllegalArgumentException if {@code maxBytes} is below 4 MiB
   */
  public CellarConfiguration<K, V> setMaxBytes(long maxBytes) {
    if (maxBytes < MIN_MAX_BYTES) {
      throw new IllegalArgumentException(
          "maxBytes must be at least " + MIN_MAX_BYTES + " (4 MiB), was " + maxBytes);
    }
    this.maxBytes = maxBytes;
    return this;
  }

  /** Records kept per key, the latest included. */
  public int getHistory() {
    return history;
  }

  /**
   * Sets how many records each key keeps, the latest included (1 to 64, default 1).
   *
   * @throws IllegalArgumentException if {@code history} is outside 1..64
   */
  public CellarConfiguration<K, V> setHistory(int history) {
    if (history < 1 || history > 64) {
      throw new IllegalArgumentException("history must be 1 to 64, was " + history);
    }
    this.history = history;
    return this;
  }

  /** The most values the near tier holds; 0 when there is no near tier. */
  public long getNearCacheSize() {
    return nearCacheSize;
  }

  /**
   * Sets how many decoded values of hot keys the cache keeps on the heap, in a Caffeine cache in
   * front of the off-heap store (0, the default, for none). A read served there skips the off-heap
   * lookup and the decoding; it counts as a hit like any other, and a write, removal, expiry or
   * eviction of the key is seen by every read that starts after it finished.
   *
   * <p>Only values of immutable types are held, because one instance goes to every reader: {@code
   * String}, the boxed primitives, {@code UUID}, {@code BigInteger}, {@code BigDecimal}, the {@code
   * java.time} values, and the records and enums given to {@link #setImmutableTypes}. Other values
   * (a {@code byte[]}, a {@code List}, any other class) are never held and are decoded afresh on
   * every read. The key must be of such a type too, since the tier finds keys by {@code equals}
   * where the store compares encoded bytes. A cache whose expiry policy acts on access gets no near
   * tier, since each read must reach the store to move the entry's expiry.
   *
   * @throws IllegalArgumentException if {@code maxEntries} is negative
   */
  public CellarConfiguration<K, V> setNearCacheSize(long maxEntries) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("nearCacheSize must be 0 or more, was " + maxEntries);
    }
    this.nearCacheSize = maxEntries;
    return this;
  }

  /**
   * Heap bytes the cache's bucket may use for markers forgotten ahead of a lagging watch; {@link
   * #DEFAULT_FORGOTTEN_MARKER_BYTES} for the engine's default.
   */
  public long getForgottenMarkerBytes() {
    return forgottenMarkerBytes;
  }

  /**
   * Sets how many heap bytes the bucket may use to keep DELETE, PURGE, EXPIRE and EVICT markers
   * whose keys are forgotten (by {@code purgeDeletes} or eviction) before every open watch has read
   * them, so that a lagging watch still delivers them (see {@link Watcher#onReset()}). Each is
   * charged its key's encoded length plus 144 bytes; a watch that needed a marker that did not fit
   * resets. 0 keeps none; {@link #DEFAULT_FORGOTTEN_MARKER_BYTES}, the default, lets the engine
   * size it by the journal. Used only while a watch lags; not part of {@link #getMaxBytes()}.
   *
   * @throws IllegalArgumentException if {@code bytes} is below -1
   */
  public CellarConfiguration<K, V> setForgottenMarkerBytes(long bytes) {
    if (bytes < DEFAULT_FORGOTTEN_MARKER_BYTES) {
      throw new IllegalArgumentException(
          "forgottenMarkerBytes must be 0 or more, or -1 for the default, was " + bytes);
    }
    this.forgottenMarkerBytes = bytes;
    return this;
  }

  /** The bucket's segments; {@link #DEFAULT_SEGMENTS} for the engine's default. */
  public int getSegments() {
    return segments;
  }

  /**
   * Sets how many segments the cache's off-heap bucket has: a power of two from 1 to {@value
   * #MAX_SEGMENTS}, or {@link #DEFAULT_SEGMENTS} (the default) for one per 4 MiB of {@link
   * #getMaxBytes()}, 1 to 64. Each segment has its own write lock and an equal share of the byte
   * budget, so more segments let more threads write at once, and fewer let larger entries in: one
   * entry may take at most a quarter of a segment's share. Each share must be at least 64 KiB,
   * which the cache checks when it is created ({@link IllegalArgumentException} otherwise).
   *
   * @throws IllegalArgumentException if {@code segments} is neither 0 nor a power of two up to
   *     {@value #MAX_SEGMENTS}
   */
  public CellarConfiguration<K, V> setSegments(int segments) {
    if (segments != DEFAULT_SEGMENTS
        && (segments < 1 || segments > MAX_SEGMENTS || Integer.bitCount(segments) != 1)) {
      throw new IllegalArgumentException(
          "segments must be a power of two from 1 to "
              + MAX_SEGMENTS
              + ", or 0 for the default, was "
              + segments);
    }
    this.segments = segments;
    return this;
  }

  /** The records and enums declared immutable for the near tier. */
  public Set<Class<?>> getImmutableTypes() {
    return immutableTypes;
  }

  /**
   * Declares records and enums whose instances never change, so that the near tier may hold them
   * (see {@link #setNearCacheSize}); replaces any earlier declaration. A record qualifies only if
   * its components are themselves immutable: Cellar cannot check that, so declare only those that
   * are.
   *
   * @throws IllegalArgumentException if a type is neither a record nor an enum
   */
  public CellarConfiguration<K, V> setImmutableTypes(Class<?>... types) {
    Set<Class<?>> checked = new LinkedHashSet<>();
    for (Class<?> type : types) {
      checked.add(ImmutableTypes.check(Objects.requireNonNull(type, "type")));
    }
    this.immutableTypes = Collections.unmodifiableSet(checked);
    return this;
  }

  /** True when the cache times its JCache {@code get} and {@code put} calls. */
  public boolean isTimers() {
    return timers;
  }

  /**
   * Sets whether the cache times its JCache {@code get} and {@code put} calls in Dropwizard timers,
   * which {@code dev.cellar.metrics.CacheMetrics} exposes as {@code get} and {@code put} (default
   * off). Off, the calls take no timestamps for them at all; on, each call costs two {@code
   * System.nanoTime()} reads and a timer update.
   */
  public CellarConfiguration<K, V> setTimers(boolean timers) {
    this.timers = timers;
    return this;
  }

  /** The key serializer, or {@code null} for the built-in choice by key type. */
  public @Nullable Serializer<K> getKeySerializer() {
    return keySerializer;
  }

  /** Sets the key serializer; {@code null} restores the built-in choice by key type. */
  public CellarConfiguration<K, V> setKeySerializer(@Nullable Serializer<K> keySerializer) {
    this.keySerializer = keySerializer;
    return this;
  }

  /** The value serializer, or {@code null} for the built-in choice by value type. */
  public @Nullable Serializer<V> getValueSerializer() {
    return valueSerializer;
  }

  /** Sets the value serializer; {@code null} restores the built-in choice by value type. */
  public CellarConfiguration<K, V> setValueSerializer(@Nullable Serializer<V> valueSerializer) {
    this.valueSerializer = valueSerializer;
    return this;
  }

  /** The executor for asynchronous listeners, or {@code null} for Cellar's shared one. */
  public @Nullable Executor getListenerExecutor() {
    return listenerExecutor;
  }

  /**
   * Sets the executor that runs asynchronous listeners; events for one key still arrive in the
   * order the changes happened. {@code null} restores Cellar's shared daemon pool.
   */
  public CellarConfiguration<K, V> setListenerExecutor(@Nullable Executor listenerExecutor) {
    this.listenerExecutor = listenerExecutor;
    return this;
  }

  /** The clock that stamps writes and decides expiry. */
  public Clock getClock() {
    return clock;
  }

  /** Sets the clock (default the system clock); tests pass a fixed or settable clock. */
  public CellarConfiguration<K, V> setClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** The {@link java.io.ObjectInputFilter} pattern for Java deserialization, or {@code null}. */
  public @Nullable String getDeserializationFilter() {
    return deserializationFilter;
  }

  /**
   * Sets the {@link java.io.ObjectInputFilter} pattern (for example {@code "com.acme.**;!*"}) that
   * guards values read back with Java serialization; {@code null} keeps Cellar's default, which
   * limits depth, references and array sizes but accepts any class the cache manager's class loader
   * can load.
   */
  public CellarConfiguration<K, V> setDeserializationFilter(@Nullable String pattern) {
    if (pattern != null) {
      java.io.ObjectInputFilter.Config.createFilter(pattern);
    }
    this.deserializationFilter = pattern;
    return this;
  }

  @Override
  public CellarConfiguration<K, V> setTypes(Class<K> keyType, Class<V> valueType) {
    super.setTypes(keyType, valueType);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> addCacheEntryListenerConfiguration(
      CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    super.addCacheEntryListenerConfiguration(listenerConfiguration);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> removeCacheEntryListenerConfiguration(
      CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    super.removeCacheEntryListenerConfiguration(listenerConfiguration);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> setCacheLoaderFactory(
      Factory<? extends CacheLoader<K, V>> factory) {
    super.setCacheLoaderFactory(factory);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> setCacheWriterFactory(
      Factory<? extends CacheWriter<? super K, ? super V>> factory) {
    super.setCacheWriterFactory(factory);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> setExpiryPolicyFactory(Factory<? extends ExpiryPolicy> factory) {
    super.setExpiryPolicyFactory(factory);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> setReadThrough(boolean isReadThrough) {
    super.setReadThrough(isReadThrough);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> setWriteThrough(boolean isWriteThrough) {
    super.setWriteThrough(isWriteThrough);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> setStoreByValue(boolean isStoreByValue) {
    super.setStoreByValue(isStoreByValue);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> setStatisticsEnabled(boolean enabled) {
    super.setStatisticsEnabled(enabled);
    return this;
  }

  @Override
  public CellarConfiguration<K, V> setManagementEnabled(boolean enabled) {
    super.setManagementEnabled(enabled);
    return this;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (!(other instanceof CellarConfiguration<?, ?> that) || !super.equals(other)) {
      return false;
    }
    return maxBytes == that.maxBytes
        && history == that.history
        && Objects.equals(keySerializer, that.keySerializer)
        && Objects.equals(valueSerializer, that.valueSerializer)
        && Objects.equals(listenerExecutor, that.listenerExecutor)
        && clock.equals(that.clock)
        && Objects.equals(deserializationFilter, that.deserializationFilter)
        && timers == that.timers
        && nearCacheSize == that.nearCacheSize
        && forgottenMarkerBytes == that.forgottenMarkerBytes
        && segments == that.segments
        && immutableTypes.equals(that.immutableTypes);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode()
        + Objects.hash(
            maxBytes,
            history,
            deserializationFilter,
            timers,
            nearCacheSize,
            forgottenMarkerBytes,
            segments);
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeObject(serializableOrNull(keySerializer));
    out.writeObject(serializableOrNull(valueSerializer));
    out.writeObject(serializableOrNull(listenerExecutor));
    out.writeObject(serializableOrNull(clock));
  }

  @SuppressWarnings("unchecked") // written by writeObject from fields of these types
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    keySerializer = (Serializer<K>) in.readObject();
    valueSerializer = (Serializer<V>) in.readObject();
    listenerExecutor = (Executor) in.readObject();
    Clock read = (Clock) in.readObject();
    clock = read == null ? Clock.systemUTC() : read;
  }

  private static @Nullable Object serializableOrNull(@Nullable Object setting) {
    return setting instanceof Serializable ? setting : null;
  }
}
