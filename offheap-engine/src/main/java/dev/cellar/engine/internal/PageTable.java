package dev.cellar.engine.internal;

import java.util.Arrays;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Maps page ids to the pages and buffers that hold them, bucket-wide. Ids are reused after a page
 * is released.
 *
 * <p>Two views, because two kinds of caller follow references. A reader without the lock uses
 * {@link #buffer}: it finds either {@code null} or a buffer whose memory is never freed explicitly
 * (pooled pages, marker rings), so a stale reference reads old bytes, never freed memory, and the
 * reader learns from its segment's stamp that it must retry. The buffer of a record larger than a
 * page ({@link SlabPage#lockedReads}) is never in that view: such a reader sees {@code null},
 * learns from {@link #lockedReads} that the page exists, and reads it under the segment's lock, so
 * the buffer can be freed as soon as its record is. A caller holding the owning segment's lock uses
 * {@link #page}, which sees every page.
 */
public final class PageTable {
  private volatile @Nullable UnsafeBuffer[] buffers = new UnsafeBuffer[64];
  private volatile @Nullable SlabPage[] pages = new SlabPage[64];
  private final IntArrayList freeIds = new IntArrayList();
  private int nextId = 1;

  /** Registers {@code page} and returns the id it is known by from now on. */
  public synchronized int register(SlabPage page) {
    int id = freeIds.isEmpty() ? nextId++ : freeIds.removeAt(freeIds.size() - 1);
    @Nullable UnsafeBuffer unlocked = page.lockedReads ? null : page.buffer;
    if (id >= buffers.length) {
      int length = Math.max(id + 1, buffers.length * 2);
      @Nullable UnsafeBuffer[] grownBuffers = Arrays.copyOf(buffers, length);
      @Nullable SlabPage[] grownPages = Arrays.copyOf(pages, length);
      grownBuffers[id] = unlocked;
      grownPages[id] = page;
      pages = grownPages;
      buffers = grownBuffers;
    } else {
      pages[id] = page;
      buffers[id] = unlocked;
    }
    return id;
  }

  /** Forgets page {@code id}; what becomes of its buffer is the caller's business. */
  public synchronized void release(int id) {
    buffers[id] = null;
    pages[id] = null;
    freeIds.addInt(id);
  }

  /**
   * The buffer of page {@code id} for a reader that holds no lock, or {@code null} when no such
   * page is registered or the page may be read only under its segment's lock ({@link
   * #lockedReads}). A buffer returned here is never freed explicitly.
   */
  public @Nullable UnsafeBuffer buffer(int id) {
    @Nullable UnsafeBuffer[] current = buffers;
    return id > 0 && id < current.length ? current[id] : null;
  }

  /**
   * True when page {@code id} is registered and may be read only under its segment's lock: what a
   * reader without the lock asks when {@link #buffer} gave it {@code null}. Reads heap memory only.
   */
  public boolean lockedReads(int id) {
    SlabPage page = page(id);
    return page != null && page.lockedReads;
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
