package dev.cellar.engine.internal;

import java.util.Arrays;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Maps page ids to the buffers that hold them, bucket-wide. Ids are reused after a page is
 * released. Lookups take no lock: a reader that follows a stale reference finds either {@code null}
 * or a live buffer (never unmapped memory) and learns from its segment's stamp that it must retry.
 */
public final class PageTable {
  private volatile @Nullable UnsafeBuffer[] buffers = new UnsafeBuffer[64];
  private volatile @Nullable SlabPage[] pages = new SlabPage[64];
  private final IntArrayList freeIds = new IntArrayList();
  private int nextId = 1;

  /** Registers {@code page} and returns the id it is known by from now on. */
  public synchronized int register(SlabPage page, UnsafeBuffer buffer) {
    int id = freeIds.isEmpty() ? nextId++ : freeIds.removeAt(freeIds.size() - 1);
    if (id >= buffers.length) {
      int length = Math.max(id + 1, buffers.length * 2);
      @Nullable UnsafeBuffer[] grownBuffers = Arrays.copyOf(buffers, length);
      @Nullable SlabPage[] grownPages = Arrays.copyOf(pages, length);
      grownBuffers[id] = buffer;
      grownPages[id] = page;
      pages = grownPages;
      buffers = grownBuffers;
    } else {
      pages[id] = page;
      buffers[id] = buffer;
    }
    return id;
  }

  /** Forgets page {@code id}; its buffer is left to the garbage collector. */
  public synchronized void release(int id) {
    buffers[id] = null;
    pages[id] = null;
    freeIds.addInt(id);
  }

  /** The buffer of page {@code id}, or {@code null} when no such page is registered. */
  public @Nullable UnsafeBuffer buffer(int id) {
    @Nullable UnsafeBuffer[] current = buffers;
    return id > 0 && id < current.length ? current[id] : null;
  }

  /** The metadata of page {@code id}, or {@code null}. Meant for its owning segment. */
  public @Nullable SlabPage page(int id) {
    @Nullable SlabPage[] current = pages;
    return id > 0 && id < current.length ? current[id] : null;
  }

  /** Forgets every page at once. */
  public synchronized void clear() {
    buffers = new UnsafeBuffer[64];
    pages = new SlabPage[64];
    freeIds.clear();
    nextId = 1;
  }
}
