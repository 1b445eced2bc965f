package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.RecordDescriptor.FREE_LINK_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.LARGE_CLASS;
import static dev.cellar.engine.internal.RecordDescriptor.REVISION_OFFSET;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * One segment's allocator: chunks of fixed size classes carved from pages, and a buffer of its own
 * for each record larger than the largest class (a whole page when it fits in one). Records never
 * move. A page whose last chunk is freed is zeroed and kept in the segment's free-page pool for the
 * next page of any class: it stays reserved in the budget but no longer counts as in use, and no
 * direct memory is ever left for the garbage collector to find, so the JVM's direct pool stays
 * within the budget however the load churns. Only a record larger than a page gets a buffer of its
 * own that is dropped when freed. Used only under the segment's write lock.
 *
 * <p>A free chunk has revision 0; its free-list link sits in the expire-at word.
 */
public final class SlabAllocator {
  private final PageTable pageTable;
  private final MemoryBudget budget;
  private final SizeClasses classes;
  private final int pageSize;
  private final List<List<SlabPage>> pagesByClass;
  private final List<List<SlabPage>> partialByClass;
  private final List<SlabPage> allPages = new ArrayList<>();

  /** Emptied pages kept for reuse, so that churn never leaves direct memory to the collector. */
  private final ArrayDeque<UnsafeBuffer> freePages = new ArrayDeque<>();

  /** An allocator over pages of {@code pageSize} bytes within {@code budget}. */
  public SlabAllocator(PageTable pageTable, MemoryBudget budget, int pageSize) {
    this.pageTable = pageTable;
    this.budget = budget;
    this.pageSize = pageSize;
    this.classes = new SizeClasses(pageSize);
    this.pagesByClass = new ArrayList<>(classes.count());
    this.partialByClass = new ArrayList<>(classes.count());
    for (int i = 0; i < classes.count(); i++) {
      pagesByClass.add(new ArrayList<>());
      partialByClass.add(new ArrayList<>());
    }
  }

  /** The size classes in use. */
  public SizeClasses classes() {
    return classes;
  }

  /** Bytes a record of {@code length} would take from the budget if it needed fresh memory. */
  public long freshCost(long length) {
    return length <= pageSize
        ? DirectMemory.cost(pageSize)
        : DirectMemory.cost(largeCapacity(length));
  }

  /**
   * A chunk for {@code length} bytes, taking a new page or buffer if the budget allows; 0 when
   * nothing is free and the budget (or the JVM's direct memory) is exhausted.
   */
  public long allocate(long length) {
    int sizeClass = classes.classOf(length);
    if (sizeClass < 0) {
      return allocateLarge(length);
    }
    long ref = allocateFromPartial(sizeClass, -1);
    if (ref != RecordRefs.NONE) {
      return ref;
    }
    SlabPage page = newPage(sizeClass);
    return page == null ? RecordRefs.NONE : takeChunk(page);
  }

  /** A chunk for {@code length} bytes only from free chunks outside page {@code excludedPageId}. */
  public long allocateExisting(long length, int excludedPageId) {
    int sizeClass = classes.classOf(length);
    return sizeClass < 0 ? RecordRefs.NONE : allocateFromPartial(sizeClass, excludedPageId);
  }

  /** True when a chunk of {@code length} bytes can be had without evicting anything. */
  public boolean canAllocate(long length) {
    int sizeClass = classes.classOf(length);
    if (sizeClass >= 0) {
      for (SlabPage page : partialByClass.get(sizeClass)) {
        if (page.hasFreeChunk()) {
          return true;
        }
      }
    }
    return (length <= pageSize && !freePages.isEmpty()) || budget.fits(freshCost(length));
  }

  /** Frees the record at {@code ref}: zeroes its revision first, then recycles the chunk. */
  public void free(long ref) {
    SlabPage page = pageOf(ref);
    int offset = RecordRefs.offset(ref);
    page.buffer.putLongVolatile(offset + REVISION_OFFSET, 0L);
    if (page.isLarge()) {
      page.used = 0;
      releasePage(page);
      return;
    }
    page.buffer.putLong(offset + FREE_LINK_OFFSET, page.freeHead);
    page.freeHead = offset + 1;
    page.used--;
    if (page.used == 0) {
      releasePage(page);
    } else if (!page.inPartialList) {
      page.inPartialList = true;
      partialByClass.get(page.sizeClass).add(page);
    }
  }

  /** Releases every page, leaving the allocator empty. */
  public void clear() {
    for (SlabPage page : new ArrayList<>(allPages)) {
      page.used = 0;
      releasePage(page);
    }
  }

  /** Pages of {@code sizeClass}, for the CLOCK hand. Do not modify. */
  public List<SlabPage> pagesOf(int sizeClass) {
    return pagesByClass.get(sizeClass);
  }

  /** Every page and large buffer this allocator holds. Do not modify. */
  public List<SlabPage> allPages() {
    return allPages;
  }

  /** The page that holds {@code ref}; it must be one of this allocator's. */
  public SlabPage pageOf(long ref) {
    SlabPage page = pageTable.page(RecordRefs.pageId(ref));
    if (page == null) {
      throw new IllegalStateException("reference " + Long.toHexString(ref) + " names no page");
    }
    return page;
  }

  private long allocateFromPartial(int sizeClass, int excludedPageId) {
    List<SlabPage> partial = partialByClass.get(sizeClass);
    for (int i = partial.size() - 1; i >= 0; i--) {
      SlabPage page = partial.get(i);
      if (page.id == excludedPageId) {
        continue;
      }
      if (page.hasFreeChunk() && page.allIndex >= 0) {
        long ref = takeChunk(page);
        if (!page.hasFreeChunk()) {
          page.inPartialList = false;
          removeAt(partial, i);
        }
        return ref;
      }
      page.inPartialList = false;
      removeAt(partial, i);
    }
    return RecordRefs.NONE;
  }

  private long takeChunk(SlabPage page) {
    int offset;
    if (page.freeHead != 0) {
      offset = page.freeHead - 1;
      page.freeHead = (int) page.buffer.getLong(offset + FREE_LINK_OFFSET);
    } else {
      offset = page.bumped * page.chunkSize;
      page.bumped++;
    }
    page.used++;
    return RecordRefs.of(page.id, offset);
  }

  private @Nullable SlabPage newPage(int sizeClass) {
    long cost = DirectMemory.cost(pageSize);
    UnsafeBuffer buffer = takePage(cost);
    if (buffer == null) {
      return null;
    }
    int chunkSize = classes.size(sizeClass);
    SlabPage page = new SlabPage(buffer, sizeClass, chunkSize, pageSize / chunkSize, cost);
    addPage(page, buffer);
    page.classIndex = pagesByClass.get(sizeClass).size();
    pagesByClass.get(sizeClass).add(page);
    page.inPartialList = true;
    partialByClass.get(sizeClass).add(page);
    return page;
  }

  private long allocateLarge(long length) {
    boolean fitsAPage = length <= pageSize;
    int capacity = fitsAPage ? pageSize : largeCapacity(length);
    long cost = DirectMemory.cost(capacity);
    UnsafeBuffer buffer;
    if (fitsAPage) {
      buffer = takePage(cost);
    } else {
      dropFreePagesFor(cost);
      if (!budget.tryReserve(cost)) {
        return RecordRefs.NONE;
      }
      buffer = DirectMemory.allocate(capacity);
      if (buffer == null) {
        budget.release(cost);
        budget.capAtCurrentUse();
        return RecordRefs.NONE;
      }
    }
    if (buffer == null) {
      return RecordRefs.NONE;
    }
    SlabPage page = new SlabPage(buffer, LARGE_CLASS, capacity, 1, cost);
    addPage(page, buffer);
    page.bumped = 1;
    page.used = 1;
    return RecordRefs.of(page.id, 0);
  }

  /**
   * A zeroed page of {@code pageSize} bytes: a pooled one if there is one (zeroed so no stale
   * reference can find a record it no longer holds), else a fresh one within the budget.
   */
  private @Nullable UnsafeBuffer takePage(long cost) {
    UnsafeBuffer pooled = freePages.pollLast();
    if (pooled != null) {
      pooled.setMemory(0, pooled.capacity(), (byte) 0);
      budget.unpark(cost);
      return pooled;
    }
    if (!budget.tryReserve(cost)) {
      return null;
    }
    UnsafeBuffer buffer = DirectMemory.allocate(pageSize);
    if (buffer == null) {
      budget.release(cost);
      budget.capAtCurrentUse();
    }
    return buffer;
  }

  /**
   * Gives pooled pages back until {@code cost} fresh bytes fit: only a record larger than a page
   * needs memory of another shape, and only then is memory left to the garbage collector.
   */
  void dropFreePagesFor(long cost) {
    long pageCost = DirectMemory.cost(pageSize);
    while (!freePages.isEmpty() && !budget.fits(cost)) {
      freePages.pollLast();
      budget.releaseParked(pageCost);
    }
  }

  /** Bytes of one page as the budget counts them. */
  public long pageCost() {
    return DirectMemory.cost(pageSize);
  }

  /** The size of a page. */
  public int pageSize() {
    return pageSize;
  }

  /**
   * A zeroed whole page for an index table, pooled or fresh within the budget; null when neither is
   * there. Give it back with {@link #returnPage}.
   */
  public @Nullable UnsafeBuffer takeWholePage() {
    return takePage(pageCost());
  }

  /** True when a whole page can be had without evicting. */
  public boolean canTakeWholePage() {
    return !freePages.isEmpty() || budget.fits(pageCost());
  }

  /** Puts a page taken with {@link #takeWholePage} back into the pool. */
  public void returnPage(UnsafeBuffer page) {
    freePages.addLast(page);
    budget.park(pageCost());
  }

  /** Pooled free pages, for the figures. */
  public int freePageCount() {
    return freePages.size();
  }

  /** Drops the pool; the segment is closing. */
  public void dropFreePages() {
    long pageCost = DirectMemory.cost(pageSize);
    while (freePages.pollLast() != null) {
      budget.releaseParked(pageCost);
    }
  }

  private static int largeCapacity(long length) {
    return (int) BitUtil.align(length, 64);
  }

  private void addPage(SlabPage page, UnsafeBuffer buffer) {
    page.id = pageTable.register(page, buffer);
    page.allIndex = allPages.size();
    allPages.add(page);
  }

  private void releasePage(SlabPage page) {
    if (page.allIndex < 0) {
      return;
    }
    removePage(allPages, page.allIndex, true);
    page.allIndex = -1;
    if (!page.isLarge()) {
      removePage(pagesByClass.get(page.sizeClass), page.classIndex, false);
      page.classIndex = -1;
      page.inPartialList = false;
      partialByClass.get(page.sizeClass).remove(page);
    }
    pageTable.release(page.id);
    if (page.buffer.capacity() == pageSize) {
      freePages.addLast(page.buffer);
      budget.park(page.cost);
    } else {
      budget.release(page.cost);
    }
  }

  private static void removePage(List<SlabPage> pages, int index, boolean allList) {
    SlabPage last = pages.remove(pages.size() - 1);
    if (index < pages.size()) {
      pages.set(index, last);
      if (allList) {
        last.allIndex = index;
      } else {
        last.classIndex = index;
      }
    }
  }

  private static void removeAt(List<SlabPage> list, int index) {
    SlabPage last = list.remove(list.size() - 1);
    if (index < list.size()) {
      list.set(index, last);
    }
  }
}
