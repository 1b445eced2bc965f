package dev.cellar.engine.internal;

/**
 * Layout of one descriptor in the journal ring, at index {@code revision & mask}.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Revision (commit marker; 0 while being written)      |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Reference of the record                     |  8
 *  |                                                               |
 *  +-------------------------------+---------------+---------------+
 *  |           Segment             |   Operation   |   Reserved    | 16
 *  +-------------------------------+---------------+---------------+
 *  |                           Key hash                            | 20
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>A writer zeroes the revision, fences, writes the body, then stores the revision with release
 * semantics: a reader that reads the same revision before and after the body has a consistent
 * descriptor. A slot whose revision is ahead of the one a cursor expects means the cursor was
 * lapped.
 */
public final class JournalDescriptor {
  public static final int REVISION_OFFSET = 0;
  public static final int REF_OFFSET = 8;
  public static final int SEGMENT_OFFSET = 16;
  public static final int OPERATION_OFFSET = 18;
  public static final int KEY_HASH_OFFSET = 20;
  public static final int LENGTH = 24;

  private JournalDescriptor() {}
}
