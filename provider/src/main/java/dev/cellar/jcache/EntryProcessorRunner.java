package dev.cellar.jcache;

import dev.cellar.internal.cache.CacheCodec;
import dev.cellar.internal.cache.EntryStore;
import dev.cellar.internal.cache.LoaderWriter;
import dev.cellar.internal.cache.ProcessorEntry;
import dev.cellar.internal.management.CacheStatistics;
import java.util.Objects;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import org.jspecify.annotations.Nullable;

/**
 * Runs {@link CellarCache#invoke} calls: with the key claimed, read the value, run the processor on
 * a {@link ProcessorEntry}, then apply what it did (store, remove, load, or only an access) through
 * the writer and with the statistics JCache counts for each.
 */
final class EntryProcessorRunner<K, V> {
  private final CellarCache<K, V> cache;
  private final CacheCodec<K, V> codec;
  private final EntryStore<K, V> entryStore;
  private final LoaderWriter<K, V> integration;
  private final CacheStatistics statistics;

  EntryProcessorRunner(
      CellarCache<K, V> cache,
      CacheCodec<K, V> codec,
      EntryStore<K, V> entryStore,
      LoaderWriter<K, V> integration,
      CacheStatistics statistics) {
    this.cache = cache;
    this.codec = codec;
    this.entryStore = entryStore;
    this.integration = integration;
    this.statistics = statistics;
  }

  /** Runs {@code processor} on {@code key} with {@code arguments}; returns what it returned. */
  <T> @Nullable T run(K key, EntryProcessor<K, V, T> processor, Object[] arguments) {
    boolean stats = cache.countsStatistics();
    long start = stats ? System.nanoTime() : 0;
    Object[] result = new Object[1];
    entryStore.mutateCallingUserCode(
        key,
        (scratch, existed) -> {
          if (stats) {
            statistics.read(existed, System.nanoTime() - start);
          }
          long applyStart = stats ? System.nanoTime() : 0;
          V current = existed ? codec.decodeValue(scratch.read, scratch.readLength) : null;
          var entry = new ProcessorEntry<>(key, current, integration.readThroughLoader());
          try {
            result[0] = processor.process(entry, arguments);
          } catch (CacheException e) {
            throw e;
          } catch (Exception e) {
            throw new EntryProcessorException(e);
          }
          apply(key, entry, scratch, existed, stats, applyStart);
          return true;
        });
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }

  private void apply(
      K key,
      ProcessorEntry<K, V> entry,
      CacheCodec.Scratch scratch,
      boolean existed,
      boolean stats,
      long start) {
    switch (entry.operation()) {
      case NONE -> {}
      case ACCESS -> entryStore.touch(scratch);
      case CREATE, LOAD -> {
        V value = Objects.requireNonNull(entry.newValue());
        entryStore.checkEntry(key, value);
        codec.encodeValue(value, scratch);
        if (entry.operation() == ProcessorEntry.Operation.CREATE) {
          cache.writeThrough(scratch, key, value);
        }
        boolean stored = entryStore.store(scratch, false, 0);
        if (stats && stored && entry.operation() == ProcessorEntry.Operation.CREATE) {
          statistics.puts(1);
          statistics.putTime(System.nanoTime() - start);
        }
      }
      case UPDATE -> {
        V value = Objects.requireNonNull(entry.newValue());
        entryStore.checkEntry(key, value);
        codec.encodeValue(value, scratch);
        cache.writeThrough(scratch, key, value);
        entryStore.store(scratch, true, scratch.info.revision());
        if (stats) {
          statistics.puts(1);
          statistics.putTime(System.nanoTime() - start);
        }
      }
      case REMOVE -> {
        integration.delete(key);
        if (existed && entryStore.delete(scratch) && stats) {
          statistics.removals(1);
          statistics.removeTime(System.nanoTime() - start);
        }
      }
    }
  }
}
