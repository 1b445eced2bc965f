package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Chunks, pages and budget: what is freed is reused, empty pages go back to the pool, and records
 * larger than a page never reach readers without the lock, so their memory can be freed at once.
 */
class SlabAllocatorTest {
  private static final int PAGE = 64 * 1024;

  private final AtomicLong total = new AtomicLong();
  private final AtomicLong reserved = new AtomicLong();
  private final PageTable pages = new PageTable();

  private SlabAllocator allocator(long budget) {
    return new SlabAllocator(pages, new MemoryBudget(budget, total, reserved), PAGE);
  }

  @Test
  void chunksOfOneClassShareAPageUntilItIsFull() {
    SlabAllocator allocator = allocator(10 * PAGE);
    long first = allocator.allocate(100);
    long second = allocator.allocate(100);
    int chunk = allocator.classes().size(allocator.classes().classOf(100));
    assertEquals(RecordRefs.pageId(first), RecordRefs.pageId(second));
    assertEquals(0, RecordRefs.offset(first));
    assertEquals(chunk, RecordRefs.offset(second));
    assertEquals(DirectMemory.cost(PAGE), total.get());

    int perPage = PAGE / chunk;
    Set<Integer> pageIds = new HashSet<>();
    for (int i = 2; i < perPage + 1; i++) {
      pageIds.add(RecordRefs.pageId(allocator.allocate(100)));
    }
    assertEquals(2, pageIds.size(), "one chunk more than a page holds opens a second page");
    assertEquals(2 * DirectMemory.cost(PAGE), total.get());
  }

  @Test
  void withNoPageToBeHadARecordTakesAFreeChunkAtMostTwiceItsClassSize() {
    SlabAllocator allocator = allocator(2 * DirectMemory.cost(PAGE));
    SizeClasses classes = allocator.classes();
    long big = allocator.allocate(1_000);
    long huge = allocator.allocate(3_000);
    long hugeToo = allocator.allocate(3_000);
    assertNotEquals(RecordRefs.pageId(big), RecordRefs.pageId(huge), "one page per class");
    assertEquals(RecordRefs.pageId(huge), RecordRefs.pageId(hugeToo));
    assertEquals(1_024, classes.size(classes.classOf(1_000)));
    int smallClass = classes.classOf(600);
    assertEquals(608, classes.size(smallClass));
    assertEquals(classes.classOf(1_216), allocator.largestFallback(smallClass));

    // No third page fits the budget: a 600-byte record takes a free 1,024-byte chunk.
    long small = allocator.allocate(600);
    assertEquals(RecordRefs.pageId(big), RecordRefs.pageId(small));
    assertEquals(1_024, RecordRefs.offset(small));

    // Every chunk of the 1,024-byte page taken: nothing free within twice 608 bytes.
    List<Long> bigChunks = new ArrayList<>(List.of(big, small));
    long next;
    while ((next = allocator.allocate(1_000)) != RecordRefs.NONE) {
      bigChunks.add(next);
    }
    assertEquals(PAGE / 1_024, bigChunks.size());
    assertFalse(allocator.canAllocate(600));
    assertEquals(RecordRefs.NONE, allocator.allocate(600));

    // A free 1,024-byte chunk (at most twice 608) serves a 600-byte record ...
    allocator.free(bigChunks.get(5));
    assertTrue(allocator.canAllocate(600));
    assertEquals(bigChunks.get(5), allocator.allocate(600));

    // ... but a free chunk of 3,072 bytes (more than twice 608) never does.
    allocator.free(huge);
    assertFalse(allocator.canAllocate(600));
    assertEquals(RecordRefs.NONE, allocator.allocate(600));
    assertEquals(huge, allocator.allocate(3_000), "the freed chunk is still there for its class");
  }

  @Test
  void freedChunksAreReusedBeforeFreshOnes() {
    SlabAllocator allocator = allocator(10 * PAGE);
    long a = allocator.allocate(200);
    long b = allocator.allocate(200);
    allocator.allocate(200);
    allocator.free(b);
    allocator.free(a);
    assertEquals(a, allocator.allocate(200), "the free list is last in, first out");
    assertEquals(b, allocator.allocate(200));
  }

  @Test
  void anEmptyPageGoesBackToThePoolAndItsIdIsReused() {
    SlabAllocator allocator = allocator(10 * PAGE);
    List<Long> refs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      refs.add(allocator.allocate(500));
    }
    int pageId = RecordRefs.pageId(refs.get(0));
    assertEquals(DirectMemory.cost(PAGE), total.get());
    for (long ref : refs) {
      allocator.free(ref);
    }
    assertEquals(0, total.get(), "the last free takes the page out of use");
    assertEquals(DirectMemory.cost(PAGE), reserved.get(), "and keeps it for reuse");
    assertNull(pages.buffer(pageId), "the page table forgot the page");
    assertEquals(0, allocator.allPages().size());
    long again = allocator.allocate(500);
    assertEquals(pageId, RecordRefs.pageId(again), "the page id is reused");
  }

  @Test
  void freeZeroesTheRevisionSoStaleReadersSeeAFreeChunk() {
    SlabAllocator allocator = allocator(10 * PAGE);
    long ref = allocator.allocate(100);
    allocator.allocate(100);
    var buffer = pages.buffer(RecordRefs.pageId(ref));
    buffer.putLong(RecordRefs.offset(ref), 42L);
    allocator.free(ref);
    assertEquals(0L, buffer.getLong(RecordRefs.offset(ref) + RecordDescriptor.REVISION_OFFSET));
  }

  @Test
  void aRecordAboveTheLargestClassGetsABufferOfItsOwnSizeWhileTheBudgetHasRoom() {
    SlabAllocator allocator = allocator(10 * PAGE);
    long length = allocator.classes().largest() + 1L;
    long ref = allocator.allocate(length);
    assertEquals(0, RecordRefs.offset(ref));
    assertTrue(allocator.pageOf(ref).isLarge());
    long cost = DirectMemory.cost((int) ((length + 63) / 64 * 64));
    assertTrue(cost < DirectMemory.cost(PAGE) / 3, "not a whole page");
    assertEquals(cost, total.get());
    assertTrue(pages.lockedReads(RecordRefs.pageId(ref)), "read only under the lock");
    allocator.free(ref);
    assertEquals(0, total.get(), "no longer in use");
    assertEquals(cost, reserved.get(), "kept for a record of about its size");
  }

  @Test
  void pooledPagesCountAsMemoryToBeHadWithoutEvicting() {
    long page = DirectMemory.cost(PAGE);
    SlabAllocator allocator = allocator(3 * page);
    long first = allocator.allocate(100);
    long second = allocator.allocate(1_000);
    long third = allocator.allocate(2_000);
    assertFalse(allocator.canReserveWithoutEvicting(page), "three pages of records: full");
    assertTrue(allocator.canReserveWithoutEvicting(0));
    allocator.free(second);
    assertTrue(allocator.canReserveWithoutEvicting(page), "one pooled page");
    assertFalse(allocator.canReserveWithoutEvicting(page + 1));
    allocator.free(third);
    assertTrue(allocator.canReserveWithoutEvicting(2 * page), "two pooled pages");
    assertFalse(allocator.canReserveWithoutEvicting(2 * page + 1));
    assertNotEquals(RecordRefs.NONE, first);
  }

  @Test
  void withTheBudgetHeldByPooledPagesSuchARecordTakesAWholePage() {
    SlabAllocator allocator = allocator(2 * DirectMemory.cost(PAGE));
    long small = allocator.allocate(100);
    long other = allocator.allocate(1_000);
    allocator.free(small);
    allocator.free(other);
    assertEquals(2, allocator.freePageCount(), "the whole budget sits in pooled pages");
    long ref = allocator.allocate(allocator.classes().largest() + 1L);
    assertNotEquals(RecordRefs.NONE, ref);
    assertEquals(PAGE, allocator.pageOf(ref).buffer.capacity());
    assertEquals(1, allocator.freePageCount());
    allocator.free(ref);
    assertEquals(2, allocator.freePageCount(), "the page goes back to the pool");
    assertEquals(0, total.get());
  }

  @Test
  void aRecordLargerThanAPageGetsABufferOfItsOwnThatNoReaderWithoutTheLockIsGiven() {
    SlabAllocator allocator = allocator(10 * PAGE);
    long length = PAGE + 1L;
    long ref = allocator.allocate(length);
    long cost = DirectMemory.cost((int) ((length + 63) / 64 * 64));
    assertEquals(cost, total.get());
    assertEquals(cost, reserved.get());
    int pageId = RecordRefs.pageId(ref);
    assertNull(pages.buffer(pageId), "optimistic readers never get the buffer");
    assertTrue(pages.lockedReads(pageId), "they learn that the page is read under the lock");
    assertNotNull(pages.page(pageId));
    assertEquals(PAGE + 64, pages.page(pageId).buffer.capacity());
    assertFalse(pages.lockedReads(RecordRefs.pageId(allocator.allocate(100))));
  }

  @Test
  void aFreedLargeBufferServesTheNextRecordOfAboutItsSize() {
    SlabAllocator allocator = allocator(40 * PAGE);
    long ref = allocator.allocate(PAGE + 1000L);
    UnsafeBuffer buffer = pages.page(RecordRefs.pageId(ref)).buffer;
    long cost = DirectMemory.cost(buffer.capacity());
    allocator.free(ref);
    assertEquals(0, total.get(), "no longer in use");
    assertEquals(cost, reserved.get(), "kept for reuse");
    assertEquals(1, allocator.freeLargeCount());
    assertEquals(0, allocator.freePageCount());

    long again = allocator.allocate(PAGE + 900L);
    assertSame(buffer, pages.page(RecordRefs.pageId(again)).buffer, "the same buffer");
    assertEquals(cost, total.get());
    assertEquals(cost, reserved.get(), "no fresh memory was taken");
    allocator.free(again);

    long smaller = allocator.allocate(PAGE * 7L / 8);
    assertNotSame(buffer, pages.page(RecordRefs.pageId(smaller)).buffer, "a page is not large");
    long larger = allocator.allocate(PAGE + 4000L);
    assertNotSame(buffer, pages.page(RecordRefs.pageId(larger)).buffer, "too small");
    allocator.free(larger);
    long muchSmaller = allocator.allocate(PAGE / 2 * 3L);
    UnsafeBuffer fresh = pages.page(RecordRefs.pageId(muchSmaller)).buffer;
    allocator.free(muchSmaller);
    assertNotSame(
        fresh,
        pages.page(RecordRefs.pageId(allocator.allocate(PAGE + 1000L))).buffer,
        "a buffer more than an eighth too large is left for another record");

    for (int i = 0; i < SlabAllocator.MAX_FREE_LARGE + 3; i++) {
      allocator.free(allocator.allocate(2L * PAGE + i * 16 * 1024));
    }
    assertEquals(SlabAllocator.MAX_FREE_LARGE, allocator.freeLargeCount(), "the pool is bounded");
  }

  @Test
  void aPooledLargeBufferIsFreedAtOnceWhenItsBudgetIsWanted() {
    long budget = 3 * DirectMemory.cost(PAGE);
    SlabAllocator allocator = allocator(budget);
    long ref = allocator.allocate(2L * PAGE);
    UnsafeBuffer buffer = pages.page(RecordRefs.pageId(ref)).buffer;
    allocator.free(ref);
    assertEquals(1, allocator.freeLargeCount());
    assertTrue(allocator.canAllocate(100), "the pooled buffer's bytes count as available");

    long small = allocator.allocate(100);
    long other = allocator.allocate(4000);
    assertNotEquals(RecordRefs.NONE, small);
    assertNotEquals(RecordRefs.NONE, other);
    assertEquals(0, allocator.freeLargeCount());
    assertEquals(0, buffer.capacity(), "freed explicitly, and pointed away from its memory");
    assertEquals(2 * DirectMemory.cost(PAGE), reserved.get());
    allocator.dropFreePages();
  }

  @Test
  void aRecordLargerThanAPageIsBuiltFromPooledPagesWhenNoBufferOfItsOwnFits() {
    long budget = 4 * DirectMemory.cost(PAGE);
    SlabAllocator allocator = allocator(budget);
    List<Long> refs = new ArrayList<>();
    long ref;
    while ((ref = allocator.allocate(4000)) != RecordRefs.NONE) {
      refs.add(ref);
    }
    for (long each : refs) {
      allocator.free(each);
    }
    assertEquals(4, allocator.freePageCount());
    long length = 2L * PAGE + 100;
    long head = RecordDescriptor.recordLength(10, 0);

    assertEquals(
        RecordRefs.NONE, allocator.allocate(length), "a record wanted in one piece cannot have it");
    assertEquals(
        RecordRefs.NONE,
        allocator.allocate(length, PAGE + 1L),
        "nor one whose header and key exceed a page");
    long large = allocator.allocate(length, head);
    assertNotEquals(RecordRefs.NONE, large);
    SlabPage page = allocator.pageOf(large);
    assertNotNull(page.parts);
    assertEquals(3, page.parts.length);
    assertNull(pages.buffer(page.id), "optimistic readers never get the parts");
    assertEquals(1, allocator.freePageCount());
    assertEquals(3 * DirectMemory.cost(PAGE), total.get());
    assertEquals(budget, reserved.get(), "no fresh memory, nothing given up");

    // Bytes cross the parts' boundaries intact.
    byte[] bytes = new byte[(int) length];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    RecordBytes.copyIn(page, 0, new UnsafeBuffer(bytes), 0, bytes.length);
    assertEquals(3L * PAGE, RecordBytes.capacity(page));
    ExpandableArrayBuffer out = new ExpandableArrayBuffer(16);
    RecordBytes.copyOut(page, PAGE - 5, out, 3, PAGE + 10);
    for (int i = 0; i < PAGE + 10; i++) {
      assertEquals(bytes[PAGE - 5 + i], out.getByte(3 + i), "byte " + i);
    }

    allocator.free(large);
    assertEquals(4, allocator.freePageCount(), "the parts go back to the pool");
    assertEquals(0, total.get());
    assertEquals(budget, reserved.get());
  }

  @Test
  void pooledPagesAreReusedZeroedAndNeverExceedTheBudget() {
    long budget = 3 * DirectMemory.cost(PAGE);
    SlabAllocator allocator = allocator(budget);
    List<Long> refs = new ArrayList<>();
    long ref;
    while ((ref = allocator.allocate(4000)) != RecordRefs.NONE) {
      pages.buffer(RecordRefs.pageId(ref)).putLong(RecordRefs.offset(ref) + 8, 77L);
      refs.add(ref);
    }
    for (long each : refs) {
      allocator.free(each);
    }
    assertEquals(3, allocator.freePageCount());
    assertEquals(0, total.get());
    assertEquals(budget, reserved.get());
    long other = allocator.allocate(100);
    assertEquals(2, allocator.freePageCount(), "a pooled page serves another size class");
    assertEquals(budget, reserved.get(), "no fresh memory was taken");
    var page = pages.buffer(RecordRefs.pageId(other));
    for (int offset = 0; offset < PAGE; offset += 8) {
      if (offset != RecordRefs.offset(other) + 8) {
        assertEquals(0L, page.getLong(offset), "reused pages are zeroed, offset " + offset);
      }
    }
    allocator.dropFreePages();
    assertEquals(DirectMemory.cost(PAGE), reserved.get());
  }

  @Test
  void theBudgetIsNeverExceeded() {
    long budget = 3 * DirectMemory.cost(PAGE);
    SlabAllocator allocator = allocator(budget);
    int count = 0;
    while (allocator.allocate(4000) != RecordRefs.NONE) {
      count++;
    }
    int chunk = allocator.classes().size(allocator.classes().classOf(4000));
    assertEquals(3 * (PAGE / chunk), count);
    assertEquals(budget, total.get());
    assertFalse(allocator.canAllocate(4000));
    assertFalse(allocator.canAllocate(100), "another class would need another page");
  }

  @Test
  void clearReleasesEverything() {
    SlabAllocator allocator = allocator(10 * PAGE);
    for (int i = 0; i < 1000; i++) {
      allocator.allocate(50 + i % 700);
    }
    assertTrue(total.get() > 0);
    allocator.clear();
    assertEquals(0, total.get());
    assertEquals(0, allocator.allPages().size());
    allocator.dropFreePages();
    assertEquals(0, reserved.get());
  }
}
