package dev.cellar.jcache;

import com.codahale.metrics.Timer;
import dev.cellar.Bucket;
import dev.cellar.CellarConfiguration;
import dev.cellar.Serializer;
import dev.cellar.engine.BucketConfig;
import dev.cellar.engine.EntryCursor;
import dev.cellar.engine.MutationObserver;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.engine.RecordOp;
import dev.cellar.engine.RecordView;
import dev.cellar.internal.bucket.CacheBucket;
import dev.cellar.internal.cache.CacheCodec;
import dev.cellar.internal.cache.CellarEntry;
import dev.cellar.internal.cache.EntryProcessorResults;
import dev.cellar.internal.cache.EntryStore;
import dev.cellar.internal.cache.ExpiryCalculator;
import dev.cellar.internal.cache.ImmutableTypes;
import dev.cellar.internal.cache.KeyLocks;
import dev.cellar.internal.cache.KeyedWrites;
import dev.cellar.internal.cache.LoaderWriter;
import dev.cellar.internal.cache.NearTier;
import dev.cellar.internal.event.EventDispatcher;
import dev.cellar.internal.management.CacheConfigurationBean;
import dev.cellar.internal.management.CacheRegistrations;
import dev.cellar.internal.management.CacheStatistics;
import dev.cellar.internal.management.CellarCacheBean;
import dev.cellar.metrics.CacheMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import org.jspecify.annotations.Nullable;

/**
 * A JCache cache whose entries live off-heap in an {@link OffHeapBucket}. Keys and values are
 * serialized before any lock is taken; every operation maps onto the bucket's reads and conditional
 * writes under a per-key lock (see {@link KeyLocks}), so loaders, writers, entry processors and
 * expiry policies run between a read and a compare-and-set write without holding an engine lock,
 * and may call the cache back on other keys. Statistics, events, writer calls and expiry-policy
 * calls follow the JCache reference implementation, which the TCK checks.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CellarCache<K, V> implements Cache<K, V> {

  private final String name;
  private final CellarCacheManager manager;
  private final CellarConfiguration<K, V> configuration;
  private final OffHeapBucket bucket;
  private final CacheCodec<K, V> codec;
  private final ExpiryCalculator expiry;
  private final LoaderWriter<K, V> integration;
  private final EventDispatcher<K, V> events;
  private final CacheStatistics statistics = new CacheStatistics();
  private final KeyLocks locks = new KeyLocks();
  private final KeyedWrites<K, V> writes;
  private final EntryStore<K, V> entryStore;
  private final EntryProcessorRunner<K, V> processors;
  private final CacheRegistrations registrations;
  private final Executor loadExecutor;
  private final CacheBucket<K, V> bucketView;
  private final @Nullable Timer getTimer;
  private final @Nullable Timer putTimer;
  private final @Nullable NearTier<K, V> near;
  private volatile boolean statisticsEnabled;

  /** The names this cache registered in the shared metric registry; removed on close. */
  private volatile boolean closed;

  CellarCache(CellarCacheManager manager, String name, CellarConfiguration<K, V> configuration) {
    this.manager = manager;
    this.name = name;
    this.configuration = configuration;
    ClassLoader classLoader = manager.getClassLoader();
    String filter = configuration.getDeserializationFilter();
    Serializer<K> keySerializer =
        CacheCodec.serializerFor(
            configuration.getKeySerializer(), configuration.getKeyType(), classLoader, filter);
    Serializer<V> valueSerializer =
        CacheCodec.serializerFor(
            configuration.getValueSerializer(), configuration.getValueType(), classLoader, filter);
    this.codec = new CacheCodec<>(keySerializer, valueSerializer);
    this.expiry = new ExpiryCalculator(configuration.getExpiryPolicyFactory().create());
    this.integration = new LoaderWriter<>(configuration);
    this.events =
        new EventDispatcher<>(
            this,
            new EventDispatcher.Decoder<>() {
              @Override
              public K key(byte[] bytes) {
                return codec.key(bytes);
              }

              @Override
              public V value(byte[] bytes) {
                return codec.value(bytes);
              }
            },
            configuration.getListenerExecutor());
    for (CacheEntryListenerConfiguration<K, V> listener :
        configuration.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
    Executor executor = configuration.getListenerExecutor();
    this.loadExecutor = executor == null ? ForkJoinPool.commonPool() : executor;
    java.time.Clock clock = configuration.getClock();
    // Null when off (the default, or an expiry policy that acts on reads), so that every read
    // pays one field read for it and nothing else.
    this.near =
        configuration.getNearCacheSize() > 0 && !expiry.accessMatters()
            ? new NearTier<>(
                configuration.getNearCacheSize(),
                new ImmutableTypes(configuration.getImmutableTypes()),
                clock)
            : null;
    BucketConfig.Builder engineConfig =
        BucketConfig.builder()
            .maxBytes(configuration.getMaxBytes())
            .history(configuration.getHistory())
            .clock(clock::millis)
            .observer(observer(events.observer()));
    if (configuration.getForgottenMarkerBytes()
        != CellarConfiguration.DEFAULT_FORGOTTEN_MARKER_BYTES) {
      engineConfig.forgottenMarkerBytes(configuration.getForgottenMarkerBytes());
    }
    if (configuration.getSegments() != CellarConfiguration.DEFAULT_SEGMENTS) {
      engineConfig.segments(configuration.getSegments());
    }
    this.bucket = new OffHeapBucket(build(engineConfig, name, events));
    this.registrations =
        new CacheRegistrations(
            manager.getURI(),
            name,
            manager.metricsRegistry(),
            statistics,
            new CacheConfigurationBean(configuration));
    this.writes =
        new KeyedWrites<>(
            bucket, codec, locks, events, integration.writesThrough() || expiry.custom());
    this.entryStore =
        new EntryStore<>(
            name,
            bucket,
            writes,
            expiry,
            clock,
            configuration.getKeyType(),
            configuration.getValueType());
    this.processors = new EntryProcessorRunner<>(this, codec, entryStore, integration, statistics);
    this.bucketView = new CacheBucket<>(bucketParts(clock));
    // Null when off, so that an untimed call pays one field read and nothing else.
    this.getTimer = configuration.isTimers() ? new Timer() : null;
    this.putTimer = configuration.isTimers() ? new Timer() : null;
    this.statisticsEnabled = configuration.isStatisticsEnabled();
    if (configuration.isStatisticsEnabled()) {
      setStatisticsEnabled(true);
    }
    if (configuration.isManagementEnabled()) {
      setManagementEnabled(true);
    }
    registrations.open(
        new CellarCacheBean(bucket, bucketView, this::nearHits, this::nearSize),
        new CacheMetrics(this).getMetrics());
  }

  /**
   * What the {@link Bucket} view shares with this cache: the engine bucket, codec and key locks (so
   * bucket writes exclude JCache writes of the same key), events and statistics.
   */
  private CacheBucket.Parts<K, V> bucketParts(java.time.Clock clock) {
    return new CacheBucket.Parts<>(
        name,
        bucket,
        codec,
        locks,
        writes,
        events,
        statistics,
        expiry,
        clock,
        configuration.getHistory(),
        new CacheBucket.Host() {
          @Override
          public void ensureOpen() {
            CellarCache.this.ensureOpen();
          }

          @Override
          public boolean statisticsEnabled() {
            return statisticsEnabled;
          }
        });
  }

  /**
   * The engine's configuration, or the {@link IllegalArgumentException} that {@code createCache}
   * throws for an invalid one (segments whose shares of max-bytes are too small), once the
   * listeners already made are closed.
   */
  private static BucketConfig build(
      BucketConfig.Builder engineConfig, String name, EventDispatcher<?, ?> events) {
    try {
      return engineConfig.build();
    } catch (IllegalArgumentException e) {
      events.close();
      throw new IllegalArgumentException(
          "invalid configuration for cache " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Invalidates the key in the near tier, counts evictions and expirations, then hands the mutation
   * to the event dispatcher.
   */
  private MutationObserver observer(MutationObserver dispatcher) {
    return (previous, record) -> {
      NearTier<K, V> nearTier = near;
      if (nearTier != null) {
        nearTier.invalidate(record.buffer(), record.keyOffset(), record.keyLength());
      }
      if (statisticsEnabled) {
        RecordOp op = record.op();
        if (op == RecordOp.EVICT) {
          statistics.eviction();
        } else if (op == RecordOp.EXPIRE) {
          statistics.expiration();
        }
      }
      dispatcher.onMutation(previous, record);
    };
  }

  // ------------------------------------------------------------------ reads

  @Override
  public @Nullable V get(K key) {
    ensureOpen();
    entryStore.checkKey(key);
    Timer timer = getTimer;
    long timed = timer == null ? 0 : System.nanoTime();
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    NearTier<K, V> nearTier = near;
    V value = nearTier == null ? null : nearTier.get(key);
    if (value != null) {
      if (stats) {
        statistics.hits(1);
      }
    } else {
      value = getFromStore(key, stats);
    }
    if (stats) {
      statistics.getTime(System.nanoTime() - start);
    }
    if (timer != null) {
      timer.update(System.nanoTime() - timed, TimeUnit.NANOSECONDS);
    }
    return value;
  }

  /** A get that the near tier could not serve: the off-heap store, then the loader. */
  private @Nullable V getFromStore(K key, boolean stats) {
    CacheCodec.Scratch scratch = codec.acquire();
    int mark = events.begin();
    V value;
    try {
      codec.encodeKey(key, scratch);
      value = getValue(key, scratch, stats);
    } catch (Throwable e) {
      events.end(mark);
      throw e;
    } finally {
      scratch.release();
    }
    rethrow(events.end(mark));
    return value;
  }

  private @Nullable V getValue(K key, CacheCodec.Scratch scratch, boolean stats) {
    NearTier<K, V> nearTier = near;
    int slot = 0;
    long epoch = 0;
    if (nearTier != null) {
      // Before the engine read: see NearTier on why this order keeps the tier coherent.
      slot = nearTier.slot(scratch.key, 0, scratch.keyLength);
      epoch = nearTier.epoch(slot);
    }
    int length = entryStore.readLive(scratch);
    if (length >= 0) {
      V value = codec.decodeValue(scratch.read, length);
      if (nearTier != null) {
        nearTier.fill(key, value, slot, epoch, scratch.info.expireAt());
      }
      if (stats) {
        statistics.hits(1);
      }
      entryStore.touch(scratch);
      return value;
    }
    if (stats) {
      statistics.misses(1);
    }
    if (!integration.readsThrough()) {
      return null;
    }
    KeyLocks.Claim claim = locks.claim(scratch.key, scratch.keyLength);
    try {
      length = entryStore.readLive(scratch);
      if (length >= 0) {
        return codec.decodeValue(scratch.read, length);
      }
      V loaded = integration.load(key);
      if (loaded == null) {
        return null;
      }
      codec.encodeValue(loaded, scratch);
      return entryStore.store(scratch, false, 0) ? loaded : null;
    } finally {
      locks.release(claim);
    }
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    ensureOpen();
    checkKeys(keys);
    boolean stats = statisticsEnabled;
    Map<K, V> result = new HashMap<>(Math.max(16, keys.size() * 2));
    int mark = events.begin();
    try {
      NearTier<K, V> nearTier = near;
      for (K key : keys) {
        long start = stats ? System.nanoTime() : 0;
        V held = nearTier == null ? null : nearTier.get(key);
        if (held != null) {
          if (stats) {
            statistics.hits(1);
          }
          result.put(key, held);
        } else {
          CacheCodec.Scratch scratch = codec.acquire();
          try {
            codec.encodeKey(key, scratch);
            V value = getValue(key, scratch, stats);
            if (value != null) {
              result.put(key, value);
            }
          } finally {
            scratch.release();
          }
        }
        if (stats) {
          statistics.getTime(System.nanoTime() - start);
        }
      }
    } catch (Throwable e) {
      events.end(mark);
      throw e;
    }
    rethrow(events.end(mark));
    return result;
  }

  @Override
  public boolean containsKey(K key) {
    ensureOpen();
    entryStore.checkKey(key);
    CacheCodec.Scratch scratch = codec.acquire();
    int mark = events.begin();
    boolean found;
    try {
      codec.encodeKey(key, scratch);
      found = bucket.containsKey(scratch.key, 0, scratch.keyLength);
    } catch (Throwable e) {
      events.end(mark);
      throw e;
    } finally {
      scratch.release();
    }
    rethrow(events.end(mark));
    return found;
  }

  // ------------------------------------------------------------------ writes

  @Override
  public void put(K key, V value) {
    ensureOpen();
    entryStore.checkEntry(key, value);
    Timer timer = putTimer;
    long timed = timer == null ? 0 : System.nanoTime();
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    boolean stored;
    if (integration.writesThrough()) {
      stored =
          entryStore.mutateWithoutValue(
              key,
              value,
              (scratch, existed) -> {
                writeThrough(scratch, key, value);
                return entryStore.store(scratch, existed, scratch.info.revision());
              });
    } else if (expiry.eternal()) {
      stored = entryStore.putEternal(key, value);
    } else {
      stored = entryStore.put(key, value);
    }
    if (stats && stored) {
      statistics.puts(1);
      statistics.putTime(System.nanoTime() - start);
    }
    if (timer != null) {
      timer.update(System.nanoTime() - timed, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public @Nullable V getAndPut(K key, V value) {
    ensureOpen();
    entryStore.checkEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    Object[] previous = new Object[1];
    boolean stored =
        entryStore.mutate(
            key,
            value,
            (scratch, existed) -> {
              if (existed) {
                previous[0] = codec.decodeValue(scratch.read, scratch.readLength);
              }
              writeThrough(scratch, key, value);
              return entryStore.store(scratch, existed, scratch.info.revision());
            });
    @SuppressWarnings("unchecked")
    V old = (V) previous[0];
    if (stats) {
      statistics.read(old != null, System.nanoTime() - start);
      if (stored) {
        statistics.puts(1);
        statistics.putTime(System.nanoTime() - start);
      }
    }
    return old;
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    ensureOpen();
    Objects.requireNonNull(map, "map");
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      entryStore.checkEntry(entry.getKey(), entry.getValue());
    }
    checkSerializable(map);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    int stored = putAll(map, true, true);
    if (stats && stored > 0) {
      statistics.puts(stored);
      statistics.putTime(System.nanoTime() - start);
    }
  }

  /** Writes the entry through once its encoding in {@code scratch} is known to fit the cache. */
  void writeThrough(CacheCodec.Scratch scratch, K key, V value) {
    if (integration.writesThrough()) {
      entryStore.checkFits(scratch);
      integration.write(key, value);
    }
  }

  /**
   * Serializes every key and value of {@code map} once, so that one that cannot be serialized, or
   * is too large to store, fails the whole {@code putAll} before the writer or the cache is given
   * any entry.
   */
  private void checkSerializable(Map<? extends K, ? extends V> map) {
    CacheCodec.Scratch scratch = codec.acquire();
    try {
      for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
        codec.encodeKey(entry.getKey(), scratch);
        codec.encodeValue(entry.getValue(), scratch);
        entryStore.checkFits(scratch);
      }
    } finally {
      scratch.release();
    }
  }

  /**
   * Stores the entries of {@code map} (all of them, or only absent keys), calling the writer's
   * {@code writeAll} first when asked; the entries the writer could not write are not stored and
   * its failure is thrown after the others are. Returns how many entries were stored.
   */
  private int putAll(
      Map<? extends K, ? extends V> map, boolean replaceExisting, boolean useWriteThrough) {
    Map<K, V> toStore = new LinkedHashMap<>(map);
    CacheWriterException failure = null;
    int stored = 0;
    int mark = events.begin();
    try {
      if (useWriteThrough && integration.writesThrough()) {
        List<Cache.Entry<? extends K, ? extends V>> entries = new ArrayList<>(toStore.size());
        for (Map.Entry<K, V> entry : toStore.entrySet()) {
          entries.add(new CellarEntry<>(entry.getKey(), entry.getValue()));
        }
        failure = integration.writeAll(entries);
        for (Cache.Entry<? extends K, ? extends V> unwritten : entries) {
          toStore.remove(unwritten.getKey());
        }
      }
      for (Map.Entry<K, V> entry : toStore.entrySet()) {
        V value = entry.getValue();
        boolean done =
            entryStore.mutateWithoutValue(
                entry.getKey(),
                value,
                (scratch, existed) ->
                    (replaceExisting || !existed)
                        && entryStore.store(scratch, existed, scratch.info.revision()));
        stored += done ? 1 : 0;
      }
    } catch (Throwable e) {
      events.end(mark);
      throw e;
    }
    rethrow(events.end(mark));
    if (failure != null) {
      throw failure;
    }
    return stored;
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    ensureOpen();
    entryStore.checkEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    boolean stored =
        entryStore.mutateWithoutValue(
            key,
            value,
            (scratch, existed) -> {
              if (existed) {
                return false;
              }
              writeThrough(scratch, key, value);
              return entryStore.store(scratch, false, 0);
            });
    if (stats) {
      if (stored) {
        statistics.puts(1);
        statistics.misses(1);
        statistics.putTime(System.nanoTime() - start);
      } else {
        statistics.hits(1);
      }
    }
    return stored;
  }

  @Override
  public boolean remove(K key) {
    ensureOpen();
    entryStore.checkKey(key);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    boolean removed =
        entryStore.mutateWithoutValue(
            key,
            null,
            (scratch, existed) -> {
              integration.delete(key);
              return existed && entryStore.delete(scratch);
            });
    if (stats && removed) {
      statistics.removals(1);
      statistics.removeTime(System.nanoTime() - start);
    }
    return removed;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    ensureOpen();
    entryStore.checkKey(key);
    entryStore.checkValue(oldValue, "oldValue");
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    boolean[] hit = new boolean[1];
    boolean removed =
        entryStore.mutate(
            key,
            oldValue,
            (scratch, existed) -> {
              if (!existed) {
                return false;
              }
              hit[0] = true;
              if (!CacheCodec.sameValue(scratch)) {
                entryStore.touch(scratch);
                return false;
              }
              integration.delete(key);
              return entryStore.delete(scratch);
            });
    if (stats) {
      if (removed) {
        statistics.removals(1);
        statistics.removeTime(System.nanoTime() - start);
      }
      statistics.read(hit[0], System.nanoTime() - start);
    }
    return removed;
  }

  @Override
  public @Nullable V getAndRemove(K key) {
    ensureOpen();
    entryStore.checkKey(key);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    Object[] previous = new Object[1];
    entryStore.mutate(
        key,
        null,
        (scratch, existed) -> {
          integration.delete(key);
          if (existed && entryStore.delete(scratch)) {
            previous[0] = codec.decodeValue(scratch.read, scratch.readLength);
            return true;
          }
          return false;
        });
    @SuppressWarnings("unchecked")
    V old = (V) previous[0];
    if (stats) {
      statistics.read(old != null, System.nanoTime() - start);
      if (old != null) {
        statistics.removals(1);
        statistics.removeTime(System.nanoTime() - start);
      }
    }
    return old;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    ensureOpen();
    entryStore.checkKey(key);
    entryStore.checkValue(oldValue, "oldValue");
    Objects.requireNonNull(newValue, "newValue");
    entryStore.checkEntry(key, newValue);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    boolean[] hit = new boolean[1];
    boolean replaced =
        entryStore.mutate(
            key,
            oldValue,
            (scratch, existed) -> {
              if (!existed) {
                return false;
              }
              hit[0] = true;
              if (!CacheCodec.sameValue(scratch)) {
                entryStore.touch(scratch);
                return false;
              }
              codec.encodeValue(newValue, scratch);
              writeThrough(scratch, key, newValue);
              return entryStore.store(scratch, true, scratch.info.revision());
            });
    if (stats) {
      if (replaced) {
        statistics.puts(1);
        statistics.putTime(System.nanoTime() - start);
      }
      statistics.read(hit[0], System.nanoTime() - start);
    }
    return replaced;
  }

  @Override
  public boolean replace(K key, V value) {
    ensureOpen();
    entryStore.checkEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    boolean replaced =
        entryStore.mutateWithoutValue(
            key,
            value,
            (scratch, existed) -> {
              if (!existed) {
                return false;
              }
              writeThrough(scratch, key, value);
              return entryStore.store(scratch, true, scratch.info.revision());
            });
    if (stats) {
      statistics.read(replaced, System.nanoTime() - start);
      if (replaced) {
        statistics.puts(1);
        statistics.putTime(System.nanoTime() - start);
      }
    }
    return replaced;
  }

  @Override
  public @Nullable V getAndReplace(K key, V value) {
    ensureOpen();
    entryStore.checkEntry(key, value);
    boolean stats = statisticsEnabled;
    long start = stats ? System.nanoTime() : 0;
    Object[] previous = new Object[1];
    entryStore.mutate(
        key,
        value,
        (scratch, existed) -> {
          if (!existed) {
            return false;
          }
          previous[0] = codec.decodeValue(scratch.read, scratch.readLength);
          writeThrough(scratch, key, value);
          return entryStore.store(scratch, true, scratch.info.revision());
        });
    @SuppressWarnings("unchecked")
    V old = (V) previous[0];
    if (stats) {
      statistics.read(old != null, System.nanoTime() - start);
      if (old != null) {
        statistics.puts(1);
        statistics.putTime(System.nanoTime() - start);
      }
    }
    return old;
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    ensureOpen();
    checkKeys(keys);
    removeKeys(new LinkedHashSet<>(keys));
  }

  @Override
  public void removeAll() {
    ensureOpen();
    Set<K> keys = new LinkedHashSet<>();
    EntryCursor cursor = bucket.entries();
    while (cursor.next()) {
      RecordView record = cursor.current();
      keys.add(codec.decodeKey(record.buffer(), record.keyOffset(), record.keyLength()));
    }
    removeKeys(keys);
  }

  private void removeKeys(Set<K> keys) {
    boolean stats = statisticsEnabled;
    Set<K> toRemove = new LinkedHashSet<>(keys);
    CacheWriterException failure = null;
    int removed = 0;
    int mark = events.begin();
    try {
      if (integration.writesThrough() && !toRemove.isEmpty()) {
        Set<K> unwritten = new HashSet<>(toRemove);
        failure = integration.deleteAll(unwritten);
        toRemove.removeAll(unwritten);
      }
      for (K key : toRemove) {
        boolean done =
            entryStore.mutateWithoutValue(
                key, null, (scratch, existed) -> existed && entryStore.delete(scratch));
        removed += done ? 1 : 0;
      }
    } catch (Throwable e) {
      events.end(mark);
      throw e;
    }
    rethrow(events.end(mark));
    if (stats) {
      statistics.removals(removed);
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void clear() {
    ensureOpen();
    bucket.clear();
    NearTier<K, V> nearTier = near;
    if (nearTier != null) {
      nearTier.invalidateAll(); // after the engine is empty: see NearTier
    }
  }

  // ------------------------------------------------------------------ entry processors

  @Override
  public <T> @Nullable T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    ensureOpen();
    entryStore.checkKey(key);
    Objects.requireNonNull(processor, "entryProcessor");
    return processors.run(key, processor, arguments);
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(
      Set<? extends K> keys, EntryProcessor<K, V, T> processor, Object... arguments) {
    ensureOpen();
    checkKeys(keys);
    Objects.requireNonNull(processor, "entryProcessor");
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keys) {
      try {
        T result = invoke(key, processor, arguments);
        if (result != null) {
          results.put(key, EntryProcessorResults.of(result));
        }
      } catch (Exception e) {
        results.put(key, EntryProcessorResults.failed(e));
      }
    }
    return results;
  }

  // ------------------------------------------------------------------ loading

  @Override
  public void loadAll(
      Set<? extends K> keys,
      boolean replaceExistingValues,
      @Nullable CompletionListener completionListener) {
    ensureOpen();
    checkKeys(keys);
    if (integration.loader() == null) {
      if (completionListener != null) {
        completionListener.onCompletion();
      }
      return;
    }
    List<K> requested = new ArrayList<>(keys);
    loadExecutor.execute(
        () -> {
          try {
            List<K> toLoad = new ArrayList<>();
            for (K key : requested) {
              if (replaceExistingValues || !containsKey(key)) {
                toLoad.add(key);
              }
            }
            Map<? extends K, ? extends V> loaded = integration.loadAll(toLoad);
            Map<K, V> present = new LinkedHashMap<>();
            if (loaded != null) {
              for (K key : toLoad) {
                V value = loaded.get(key);
                if (value != null) {
                  present.put(key, value);
                }
              }
            }
            putAll(present, replaceExistingValues, false);
            if (completionListener != null) {
              completionListener.onCompletion();
            }
          } catch (Exception e) {
            if (completionListener != null) {
              completionListener.onException(e);
            }
          }
        });
  }

  // ------------------------------------------------------------------ iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    ensureOpen();
    return new CacheEntryIterator<>(this, bucket.entries(), codec, entryStore, expiry, statistics);
  }

  // ------------------------------------------------------------------ listeners

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
    ensureOpen();
    Objects.requireNonNull(listener, "cacheEntryListenerConfiguration");
    // The configuration's listener set is a plain HashSet that getConfiguration copies.
    synchronized (configuration) {
      events.register(listener);
      configuration.addCacheEntryListenerConfiguration(listener);
    }
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
    ensureOpen();
    Objects.requireNonNull(listener, "cacheEntryListenerConfiguration");
    synchronized (configuration) {
      if (events.deregister(listener)) {
        configuration.removeCacheEntryListenerConfiguration(listener);
      }
    }
  }

  // ------------------------------------------------------------------ lifecycle and views

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CellarCacheManager getCacheManager() {
    return manager;
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> type) {
    CellarConfiguration<K, V> copy;
    synchronized (configuration) {
      copy = new CellarConfiguration<>(configuration);
    }
    if (type.isInstance(copy)) {
      return type.cast(copy);
    }
    throw new IllegalArgumentException("the configuration is not a " + type.getName());
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isAssignableFrom(getClass())) {
      return type.cast(this);
    }
    if (type.isAssignableFrom(CacheBucket.class)) {
      return type.cast(bucketView); // the key-value view; one per cache
    }
    if (type.isAssignableFrom(OffHeapBucket.class)) {
      return type.cast(bucket);
    }
    throw new IllegalArgumentException("cannot unwrap a Cellar cache to " + type.getName());
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    manager.release(name);
    registrations.close();
    integration.close();
    LoaderWriter.closeQuietly(expiry.policy());
    events.close();
    bucket.close();
    if (near != null) {
      near.invalidateAll();
    }
  }

  /** True while the cache counts statistics. */
  boolean countsStatistics() {
    return statisticsEnabled;
  }

  /** Turns the statistics MXBean and counting on or off. */
  void setStatisticsEnabled(boolean enabled) {
    registrations.statistics(enabled);
    configuration.setStatisticsEnabled(enabled);
    statisticsEnabled = enabled;
  }

  /** Turns the configuration MXBean on or off. */
  void setManagementEnabled(boolean enabled) {
    registrations.configuration(enabled);
    configuration.setManagementEnabled(enabled);
  }

  /**
   * The timer of successful {@link #get} calls, or {@code null} unless {@link
   * CellarConfiguration#isTimers()}.
   */
  public @Nullable Timer getTimer() {
    return getTimer;
  }

  /**
   * The timer of successful {@link #put} calls, or {@code null} unless {@link
   * CellarConfiguration#isTimers()}.
   */
  public @Nullable Timer putTimer() {
    return putTimer;
  }

  /** Reads the near tier served; 0 when the cache has none. */
  public long nearHits() {
    NearTier<K, V> nearTier = near;
    return nearTier == null ? 0 : nearTier.hits();
  }

  /** About how many values the near tier holds; 0 when the cache has none. */
  public long nearSize() {
    NearTier<K, V> nearTier = near;
    return nearTier == null ? 0 : nearTier.size();
  }

  /** True when the cache has a near tier (configured, and not turned off by the expiry policy). */
  public boolean hasNearTier() {
    return near != null;
  }

  /** The statistics counters (also registered as the standard MXBean when enabled). */
  public CacheStatistics statistics() {
    return statistics;
  }

  private void checkKeys(@Nullable Collection<?> keys) {
    Objects.requireNonNull(keys, "keys");
    for (Object key : keys) {
      Objects.requireNonNull(key, "keys contains a null");
      entryStore.checkKey(key);
    }
  }

  /** Throws {@link IllegalStateException} when the cache is closed. */
  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the cache " + name + " is closed");
    }
  }

  private static void rethrow(@Nullable RuntimeException failure) {
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "CellarCache{" + name + '}';
  }
}
