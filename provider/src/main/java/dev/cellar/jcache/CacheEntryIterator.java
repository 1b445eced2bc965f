package dev.cellar.jcache;

import dev.cellar.engine.EntryCursor;
import dev.cellar.engine.RecordView;
import dev.cellar.internal.cache.CacheCodec;
import dev.cellar.internal.cache.CellarEntry;
import dev.cellar.internal.cache.EntryStore;
import dev.cellar.internal.cache.ExpiryCalculator;
import dev.cellar.internal.management.CacheStatistics;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import javax.cache.Cache;
import org.jspecify.annotations.Nullable;

/**
 * The iterator {@link CellarCache#iterator()} hands out: weakly consistent over the engine's live
 * values, each read counted as a hit and touched as the expiry policy asks; {@code remove} goes
 * through the writer like {@code Cache.remove}.
 */
final class CacheEntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {
  private final CellarCache<K, V> cache;
  private final CacheCodec<K, V> codec;
  private final EntryStore<K, V> entryStore;
  private final ExpiryCalculator expiry;
  private final CacheStatistics statistics;
  private final EntryCursor cursor;
  private @Nullable CellarEntry<K, V> next;
  private @Nullable CellarEntry<K, V> last;

  CacheEntryIterator(
      CellarCache<K, V> cache,
      EntryCursor cursor,
      CacheCodec<K, V> codec,
      EntryStore<K, V> entryStore,
      ExpiryCalculator expiry,
      CacheStatistics statistics) {
    this.cache = cache;
    this.cursor = cursor;
    this.codec = codec;
    this.entryStore = entryStore;
    this.expiry = expiry;
    this.statistics = statistics;
  }

  @Override
  public boolean hasNext() {
    cache.ensureOpen();
    if (next != null) {
      return true;
    }
    boolean stats = cache.countsStatistics();
    long start = stats ? System.nanoTime() : 0;
    if (!cursor.next()) {
      return false;
    }
    RecordView record = cursor.current();
    K key = codec.decodeKey(record.buffer(), record.keyOffset(), record.keyLength());
    V value = codec.decodeValue(record.buffer(), record.valueOffset(), record.valueLength());
    next = new CellarEntry<>(key, value);
    if (expiry.accessMatters()) {
      CacheCodec.Scratch scratch = codec.acquire();
      try {
        codec.encodeKey(key, scratch);
        entryStore.touch(scratch);
      } finally {
        scratch.release();
      }
    }
    if (stats) {
      statistics.hits(1);
      statistics.getTime(System.nanoTime() - start);
    }
    return true;
  }

  @Override
  public Cache.Entry<K, V> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    last = next;
    next = null;
    return Objects.requireNonNull(last);
  }

  @Override
  public void remove() {
    CellarEntry<K, V> entry = last;
    if (entry == null) {
      throw new IllegalStateException("call next() before remove()");
    }
    last = null;
    // Exactly Cache.remove(key): through the writer, counted as a removal.
    cache.remove(entry.getKey());
  }
}
