package dev.cellar.engine.internal;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * On-heap bookkeeping of one page: which size class it serves and which chunks are in use. A page
 * of {@link RecordDescriptor#LARGE_CLASS} holds exactly one record at offset 0. Touched only under
 * the owning segment's write lock.
 */
public final class SlabPage {
  final UnsafeBuffer buffer;
  final int sizeClass;
  final int chunkSize;
  final int chunkCount;
  final long cost;
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
    this.buffer = buffer;
    this.sizeClass = sizeClass;
    this.chunkSize = chunkSize;
    this.chunkCount = chunkCount;
    this.cost = cost;
  }

  boolean isLarge() {
    return sizeClass == RecordDescriptor.LARGE_CLASS;
  }

  boolean hasFreeChunk() {
    return freeHead != 0 || bumped < chunkCount;
  }
}
