package dev.cellar.internal.cache;

import dev.cellar.CellarConfiguration;
import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.jspecify.annotations.Nullable;

/**
 * A cache's loader and writer, made once from its configuration: whether reads and writes go
 * through them, and every call wrapped as JCache requires (a failure other than {@link
 * CacheLoaderException} or {@link CacheWriterException} comes out as one, with the cause kept).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class LoaderWriter<K, V> {
  private static final Logger LOGGER = Logger.getLogger(LoaderWriter.class.getName());

  private final @Nullable CacheLoader<K, V> loader;
  private final @Nullable CacheWriter<K, V> writer;
  private final boolean readThrough;
  private final boolean writeThrough;

  /** The loader and writer the configuration's factories create, if it has them. */
  @SuppressWarnings("unchecked") // a writer of supertypes accepts our keys and values
  public LoaderWriter(CellarConfiguration<K, V> configuration) {
    var loaderFactory = configuration.getCacheLoaderFactory();
    var writerFactory = configuration.getCacheWriterFactory();
    this.loader = loaderFactory == null ? null : loaderFactory.create();
    this.writer = writerFactory == null ? null : (CacheWriter<K, V>) writerFactory.create();
    this.readThrough = loader != null && configuration.isReadThrough();
    this.writeThrough = writer != null && configuration.isWriteThrough();
  }

  /** True when a miss is to be loaded: there is a loader and read-through is on. */
  public boolean readsThrough() {
    return readThrough;
  }

  /** True when writes go to the writer: there is a writer and write-through is on. */
  public boolean writesThrough() {
    return writeThrough;
  }

  /** The loader whatever the read-through setting ({@code loadAll} uses it), or null. */
  public @Nullable CacheLoader<K, V> loader() {
    return loader;
  }

  /** The loader when reads go through it, else null: what an entry processor may load with. */
  public @Nullable CacheLoader<K, V> readThroughLoader() {
    return readThrough ? loader : null;
  }

  /** Loads {@code key}; there must be a loader. */
  public @Nullable V load(K key) {
    try {
      return Objects.requireNonNull(loader).load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("the cache loader failed for key " + key, e);
    }
  }

  /** Loads {@code keys} in one call; there must be a loader. */
  public @Nullable Map<? extends K, ? extends V> loadAll(Iterable<K> keys) {
    try {
      return Objects.requireNonNull(loader).loadAll(keys);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("the cache loader failed in loadAll", e);
    }
  }

  /** Writes the entry through, if writes go through. */
  public void write(K key, V value) {
    if (!writeThrough) {
      return;
    }
    try {
      Objects.requireNonNull(writer).write(new CellarEntry<>(key, value));
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException("the cache writer failed for key " + key, e);
    }
  }

  /** Deletes the key through, if writes go through. */
  public void delete(K key) {
    if (!writeThrough) {
      return;
    }
    try {
      Objects.requireNonNull(writer).delete(key);
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException("the cache writer failed to delete key " + key, e);
    }
  }

  /**
   * Writes the entries through in one call; writes must go through. The writer removes what it
   * wrote from {@code entries}; the failure, if any, is returned for the caller to throw once the
   * written entries are stored.
   */
  public @Nullable CacheWriterException writeAll(
      Collection<Cache.Entry<? extends K, ? extends V>> entries) {
    try {
      Objects.requireNonNull(writer).writeAll(entries);
      return null;
    } catch (CacheWriterException e) {
      return e;
    } catch (Exception e) {
      return new CacheWriterException("the cache writer failed in writeAll", e);
    }
  }

  /**
   * Deletes the keys through in one call; writes must go through. The writer removes what it
   * deleted from {@code keys}; the failure, if any, is returned as for {@link #writeAll}.
   */
  public @Nullable CacheWriterException deleteAll(Collection<?> keys) {
    try {
      Objects.requireNonNull(writer).deleteAll(keys);
      return null;
    } catch (CacheWriterException e) {
      return e;
    } catch (Exception e) {
      return new CacheWriterException("the cache writer failed in deleteAll", e);
    }
  }

  /** Closes the loader and the writer if they are {@link Closeable}, logging any failure. */
  public void close() {
    closeQuietly(loader);
    closeQuietly(writer);
  }

  /** Closes {@code resource} if it is {@link Closeable}, logging any failure. */
  public static void closeQuietly(@Nullable Object resource) {
    if (resource instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        LOGGER.log(Level.WARNING, "closing " + resource.getClass().getName() + " failed", e);
      }
    }
  }
}
