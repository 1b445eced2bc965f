package dev.cellar.engine.internal;

import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * On-heap bookkeeping of one page: which size class it serves and which chunks are in use. A page
 * of {@link RecordDescriptor#LARGE_CLASS} holds exactly one record at offset 0: in a whole page, in
 * a buffer of its own, or in several pages ({@link #parts}). Touched only under the owning
 * segment's write lock, except for the final fields, which readers without the lock may read
 * through the {@link PageTable}.
 */
public final class SlabPage {
  final UnsafeBuffer buffer;
  final int sizeClass;
  final int chunkSize;
  final int chunkCount;
  final long cost;

  /**
   * True for a record in a buffer of its own or in {@link #parts}: the page table never hands its
   * memory to a reader without the segment's lock, so a buffer of its own can be freed the moment
   * the record is, and parts need no reader that copies across pages.
   */
  final boolean lockedReads;

  /**
   * For a record larger than a page built from pooled pages: those pages, in order, the first being
   * {@link #buffer}. Byte {@code x} of the record lies at {@code x % pageSize} of part {@code x /
   * pageSize}; the header and the key always lie in the first. Null for every other page. Such a
   * record is read only under the lock ({@link #lockedReads}), through {@link RecordBytes}.
   */
  final UnsafeBuffer @Nullable [] parts;

  int id;

  /** Chunks handed out at least once; chunks at or beyond it were never used. */
  int bumped;

  int used;

  /** Offset + 1 of the first free chunk, 0 when the free list is empty. */
  int freeHead;

  boolean inPartialList;

  /** Position in the owning allocator's list of all pages, for O(1) removal. */
  int allIndex = -1;

  /** Position in its size class's list of pages, for O(1) removal. */
  int classIndex = -1;

  SlabPage(UnsafeBuffer buffer, int sizeClass, int chunkSize, int chunkCount, long cost) {
    this(buffer, sizeClass, chunkSize, chunkCount, cost, false, null);
  }

  SlabPage(
      UnsafeBuffer buffer,
      int sizeClass,
      int chunkSize,
      int chunkCount,
      long cost,
      boolean lockedReads,
      UnsafeBuffer @Nullable [] parts) {
    this.buffer = buffer;
    this.sizeClass = sizeClass;
    this.chunkSize = chunkSize;
    this.chunkCount = chunkCount;
    this.cost = cost;
    this.lockedReads = lockedReads;
    this.parts = parts;
  }

  boolean isLarge() {
    return sizeClass == RecordDescriptor.LARGE_CLASS;
  }

  boolean hasFreeChunk() {
    return freeHead != 0 || bumped < chunkCount;
  }
}
