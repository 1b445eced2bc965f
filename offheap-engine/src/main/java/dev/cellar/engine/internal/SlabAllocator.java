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
 * One segment's allocator: chunks of fixed size classes carved from pages, with free chunks of up
 * to twice the size for a class that can get no page; for a record larger than the largest class, a
 * buffer of its own or, when none can be had, a whole pooled page (if it fits one) or several.
 * Records never move. Used only under the segment's write lock.
 *
 * <p><b>Where freed memory goes.</b> Two kinds of memory, because readers without the lock may hold
 * a stale reference to one kind and never to the other:
 *
 * <ul>
 *   <li><em>Pages</em> (chunked pages, whole-page records, index tables up to a page) are read by
 *       optimistic readers, who may still be copying from one after it was freed. So a page is
 *       never freed explicitly: emptied, it is kept in the segment's free-page pool, zeroed when
 *       taken again, reserved in the budget but no longer in use.
 *   <li><em>Records in buffers of their own or in several pages</em> ({@link SlabPage#lockedReads})
 *       are read only under the segment's lock: the page table never hands their memory to a reader
 *       without it. A buffer of their own is therefore freed at once when the record is freed, or
 *       kept for a later record at most an eighth smaller (at most {@value #MAX_FREE_LARGE}, parked
 *       in the budget like pooled pages, and freed at once whenever their budget is wanted for
 *       anything else).
 * </ul>
 *
 * <p>A record larger than the largest class gets a pooled buffer of about its size, or a fresh one
 * if the budget has room. Otherwise the budget is held by pooled pages (or is full, and the
 * reclaimer empties pages into the pool), and pooled pages could become fresh memory of another
 * shape only by being left to the garbage collector: churn of mixed small and large records did
 * that at every large write and held hundreds of times the budget. Instead the record takes one of
 * those pages whole, or is built from several ({@link SlabPage#parts}, read through {@link
 * RecordBytes}), wasting at most the unused end of its last page. So pooled pages are given up
 * ({@link #dropFreePagesFor}) only for an index table larger than a page and for a record whose
 * header and key alone exceed a page, and when the segment closes; otherwise the JVM's direct pool
 * holds exactly what {@link MemoryBudget} reserves.
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

  /** Large buffers kept for reuse, at most this many. */
  static final int MAX_FREE_LARGE = 4;

  /** Emptied pages kept for reuse, so that churn never leaves direct memory to the collector. */
  private final ArrayDeque<UnsafeBuffer> freePages = new ArrayDeque<>();

  /**
   * Freed large buffers kept for a record of about the same size, oldest first. Never seen by a
   * reader without the lock, so each can be freed at once when its budget is wanted.
   */
  private final ArrayList<UnsafeBuffer> freeLarge = new ArrayList<>(MAX_FREE_LARGE);

  /** Budget bytes parked in {@link #freeLarge}. */
  private long freeLargeCost;

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
    return length <= classes.largest()
        ? DirectMemory.cost(pageSize)
        : DirectMemory.cost(largeCapacity(length));
  }

  /**
   * A chunk for {@code length} bytes in one piece of memory, taking a new page or buffer if the
   * budget allows; 0 when nothing is free and the budget (or the JVM's direct memory) is exhausted.
   */
  public long allocate(long length) {
    return allocate(length, length);
  }

  /**
   * A chunk for a record of {@code length} bytes whose first {@code headLength} bytes (its header
   * and key) must lie in one piece of memory; 0 as for {@link #allocate(long)}. A record larger
   * than the largest class gets a buffer of its own if a pooled one fits or the budget has fresh
   * room; otherwise it takes a pooled page whole if it fits one, or, if its head fits a page, is
   * built from pooled (and fresh) pages ({@link SlabPage#parts}), so that pooled pages never have
   * to be given up to the garbage collector for it.
   */
  public long allocate(long length, long headLength) {
    int sizeClass = classes.classOf(length);
    if (sizeClass < 0) {
      return allocateLarge(length, headLength);
    }
    long ref = allocateFromPartial(sizeClass);
    if (ref != RecordRefs.NONE) {
      return ref;
    }
    SlabPage page = newPage(sizeClass);
    if (page != null) {
      return takeChunk(page);
    }
    int last = largestFallback(sizeClass);
    for (int larger = sizeClass + 1; larger <= last; larger++) {
      ref = allocateFromPartial(larger);
      if (ref != RecordRefs.NONE) {
        return ref;
      }
    }
    return RecordRefs.NONE;
  }

  /**
   * The largest class whose free chunks may hold a record of class {@code sizeClass} once no page
   * of its own can be had: chunks up to twice its size, so at most half of one is wasted.
   *
   * <p>Why: every class in use needs pages of its own, and a segment has only some 16 to 32 pages.
   * With values spread over a few powers of two, more classes than that are in use, and without
   * this each write to a class that had lost its last page emptied a whole page of another class
   * for its one record. A 64 MiB bucket of values from 100 B to 10 KB then held 8 MiB of them.
   */
  public int largestFallback(int sizeClass) {
    int limit = classes.classOf(2L * classes.size(sizeClass));
    return limit < 0 ? classes.count() - 1 : limit;
  }

  /** True when a chunk of {@code length} bytes can be had without evicting anything. */
  public boolean canAllocate(long length) {
    int sizeClass = classes.classOf(length);
    if (sizeClass >= 0) {
      if (hasFreeChunk(sizeClass) || !freePages.isEmpty() || fitsFresh(freshCost(length))) {
        return true;
      }
      int last = largestFallback(sizeClass);
      for (int larger = sizeClass + 1; larger <= last; larger++) {
        if (hasFreeChunk(larger)) {
          return true;
        }
      }
      return false;
    }
    if (length <= pageSize && !freePages.isEmpty()) {
      return true;
    }
    return freeLargeFor(largeCapacity(length)) >= 0 || fitsFresh(freshCost(length));
  }

  private boolean hasFreeChunk(int sizeClass) {
    for (SlabPage page : partialByClass.get(sizeClass)) {
      if (page.hasFreeChunk()) {
        return true;
      }
    }
    return false;
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

  /**
   * The page that holds {@code ref}, of any kind the page table knows (a slab page, a large
   * record's, a marker ring); it must exist. For a caller holding the segment's lock.
   */
  public SlabPage pageOf(long ref) {
    SlabPage page = pageTable.page(RecordRefs.pageId(ref));
    if (page == null) {
      throw new IllegalStateException("reference " + Long.toHexString(ref) + " names no page");
    }
    return page;
  }

  private long allocateFromPartial(int sizeClass) {
    List<SlabPage> partial = partialByClass.get(sizeClass);
    for (int i = partial.size() - 1; i >= 0; i--) {
      SlabPage page = partial.get(i);
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
    UnsafeBuffer buffer = takePage(cost, true);
    if (buffer == null) {
      return null;
    }
    int chunkSize = classes.size(sizeClass);
    SlabPage page = new SlabPage(buffer, sizeClass, chunkSize, pageSize / chunkSize, cost);
    addPage(page);
    page.classIndex = pagesByClass.get(sizeClass).size();
    pagesByClass.get(sizeClass).add(page);
    page.inPartialList = true;
    partialByClass.get(sizeClass).add(page);
    return page;
  }

  private long allocateLarge(long length, long headLength) {
    // A buffer of its own first, even for a record that a page would hold: a whole page for a
    // record just over a quarter of one wasted three quarters of it, and a bucket of 33 to 40 KB
    // values in 128 KiB pages held a quarter of its budget in live records.
    UnsafeBuffer own = takeLarge(largeCapacity(length));
    if (own != null) {
      int capacity = own.capacity();
      return registerLarge(
          new SlabPage(own, LARGE_CLASS, capacity, 1, DirectMemory.cost(capacity), true, null));
    }
    if (length <= pageSize) {
      // No room for fresh memory, but a pooled page: the budget it holds can serve nothing else.
      UnsafeBuffer buffer = takePage(pageCost(), true);
      if (buffer == null) {
        return RecordRefs.NONE;
      }
      return registerLarge(new SlabPage(buffer, LARGE_CLASS, pageSize, 1, pageCost()));
    }
    return headLength <= pageSize ? allocateParts(length) : RecordRefs.NONE;
  }

  /**
   * A record of {@code length} bytes (more than a page) in as many pages as it needs, pooled ones
   * first, then fresh ones within the budget; 0 when they are not all there. The pages are not
   * zeroed: the record is written over them before anyone can reach it, and no reader follows a
   * reference into the bytes beyond its end.
   */
  private long allocateParts(long length) {
    int count = (int) ((length + pageSize - 1) / pageSize);
    long fresh = count - (long) freePages.size();
    if (fresh > 0 && !fitsFresh(fresh * pageCost())) {
      return RecordRefs.NONE;
    }
    UnsafeBuffer[] parts = new UnsafeBuffer[count];
    for (int i = 0; i < count; i++) {
      UnsafeBuffer part = takePage(pageCost(), false);
      if (part == null) {
        // The JVM's direct memory ran out below the budget: put back what was taken.
        for (int j = 0; j < i; j++) {
          returnPage(parts[j]);
        }
        return RecordRefs.NONE;
      }
      parts[i] = part;
    }
    return registerLarge(
        new SlabPage(parts[0], LARGE_CLASS, count * pageSize, 1, count * pageCost(), true, parts));
  }

  private long registerLarge(SlabPage page) {
    addPage(page);
    page.bumped = 1;
    page.used = 1;
    return RecordRefs.of(page.id, 0);
  }

  /**
   * A buffer of at least {@code capacity} bytes for a record larger than the largest class: a
   * pooled one at most an eighth larger if there is one, else a fresh one within the budget (pooled
   * ones that do not fit are freed first if that makes room); null when neither is there. Never
   * gives up pooled pages.
   */
  private @Nullable UnsafeBuffer takeLarge(int capacity) {
    int index = freeLargeFor(capacity);
    if (index >= 0) {
      UnsafeBuffer pooled = freeLarge.remove(index);
      long cost = DirectMemory.cost(pooled.capacity());
      freeLargeCost -= cost;
      budget.unpark(cost);
      return pooled;
    }
    long cost = DirectMemory.cost(capacity);
    if (!reserve(cost)) {
      return null;
    }
    UnsafeBuffer buffer = DirectMemory.allocate(capacity);
    if (buffer == null) {
      budget.release(cost);
      budget.capAtCurrentUse();
    }
    return buffer;
  }

  /**
   * The index in {@link #freeLarge} of the smallest buffer that holds {@code capacity} bytes and
   * wastes at most an eighth of them, or -1.
   */
  private int freeLargeFor(int capacity) {
    long most = capacity + (long) capacity / 8;
    int best = -1;
    for (int i = 0; i < freeLarge.size(); i++) {
      int size = freeLarge.get(i).capacity();
      if (size >= capacity && size <= most && (best < 0 || size < freeLarge.get(best).capacity())) {
        best = i;
      }
    }
    return best;
  }

  /** Frees the oldest pooled large buffer at once and gives its budget back. */
  private void freeOldestLarge() {
    UnsafeBuffer buffer = freeLarge.remove(0);
    long cost = DirectMemory.cost(buffer.capacity());
    freeLargeCost -= cost;
    budget.releaseParked(cost);
    DirectMemory.free(buffer);
  }

  /**
   * True when {@code cost} fresh bytes fit the budget once the pooled large buffers, which can be
   * freed at once, are given back.
   */
  private boolean fitsFresh(long cost) {
    return budget.fits(cost - freeLargeCost);
  }

  /**
   * True when {@code cost} fresh bytes can be had without evicting anything: within the budget,
   * counting pooled large buffers and pooled free pages as given up ({@link #dropFreePagesFor}).
   */
  public boolean canReserveWithoutEvicting(long cost) {
    return fitsFresh(cost - (long) freePages.size() * pageCost());
  }

  /**
   * Reserves {@code cost} fresh bytes, freeing pooled large buffers as needed; false, freeing
   * nothing, when even that would not make room. Also for memory the caller allocates itself (an
   * index table larger than a page).
   */
  public boolean reserve(long cost) {
    if (!fitsFresh(cost)) {
      return false;
    }
    while (!budget.tryReserve(cost)) {
      freeOldestLarge();
    }
    return true;
  }

  /**
   * A page of {@code pageSize} bytes: a pooled one if there is one (zeroed when {@code zero}, so no
   * stale reference can find a record it no longer holds), else a fresh, zeroed one within the
   * budget.
   */
  private @Nullable UnsafeBuffer takePage(long cost, boolean zero) {
    UnsafeBuffer pooled = freePages.pollLast();
    if (pooled != null) {
      if (zero) {
        pooled.setMemory(0, pooled.capacity(), (byte) 0);
      }
      budget.unpark(cost);
      return pooled;
    }
    if (!reserve(cost)) {
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
   * Gives pooled memory back until {@code cost} fresh bytes fit: pooled large buffers first, freed
   * at once, then pooled pages. A pooled page may still be read by an optimistic reader that took
   * it before it was freed (a record page or an index table), so it cannot be freed explicitly: it
   * is left to the garbage collector, and the JVM holds its memory beyond the budget until the
   * collector runs. Records never need this (one larger than a page is built from pages when it
   * cannot have a buffer of its own), except one whose header and key alone exceed a page; an index
   * table larger than a page does (see {@code SegmentReclaimer#reserve}).
   */
  void dropFreePagesFor(long cost) {
    while (!freeLarge.isEmpty() && !budget.fits(cost)) {
      freeOldestLarge();
    }
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
    return takePage(pageCost(), true);
  }

  /** True when a whole page can be had without evicting. */
  public boolean canTakeWholePage() {
    return !freePages.isEmpty() || fitsFresh(pageCost());
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

  /** Pooled large buffers, for the figures. */
  int freeLargeCount() {
    return freeLarge.size();
  }

  /**
   * Drops the pools; the segment is closing. Pooled large buffers are freed at once; pooled pages
   * are left to the garbage collector, since a reader racing the close may still hold one.
   */
  public void dropFreePages() {
    while (!freeLarge.isEmpty()) {
      freeOldestLarge();
    }
    long pageCost = DirectMemory.cost(pageSize);
    while (freePages.pollLast() != null) {
      budget.releaseParked(pageCost);
    }
  }

  private static int largeCapacity(long length) {
    return (int) BitUtil.align(length, 64);
  }

  private void addPage(SlabPage page) {
    page.id = pageTable.register(page);
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
    UnsafeBuffer[] parts = page.parts;
    if (parts != null) {
      for (UnsafeBuffer part : parts) {
        returnPage(part);
      }
    } else if (page.lockedReads) {
      releaseLarge(page.buffer, page.cost);
    } else {
      returnPage(page.buffer);
    }
  }

  /**
   * Keeps a freed large buffer for reuse, or frees it at once. No reader without the lock ever held
   * it, and the caller holds the write lock, so no one else can be reading it.
   */
  private void releaseLarge(UnsafeBuffer buffer, long cost) {
    if (freeLarge.size() == MAX_FREE_LARGE) {
      freeOldestLarge();
    }
    freeLarge.add(buffer);
    freeLargeCost += cost;
    budget.park(cost);
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
