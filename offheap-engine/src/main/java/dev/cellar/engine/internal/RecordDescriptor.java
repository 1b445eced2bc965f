package dev.cellar.engine.internal;

/**
 * Layout of one record: a fixed header, then the key bytes, then the value bytes.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Revision (0 = free)                       |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |        Expire-at, epoch millis (0 = never) / free-list link   |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Previous version reference (0 = none)            | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    Write time, epoch millis                   | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                           Key hash                            | 32
 *  +---------------------------------------------------------------+
 *  |                          Key length                           | 36
 *  +---------------------------------------------------------------+
 *  |                         Value length                          | 40
 *  +---------------+---------------+-------------------------------+
 *  |   Operation   |   Reserved    |          Size class           | 44
 *  +---------------+---------------+-------------------------------+
 *  |                          Key bytes                           ...48
 *  +---------------------------------------------------------------+
 *  |                         Value bytes                          ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The revision is written last with release semantics and is zeroed first when the record is
 * freed, so a reader that sees the same non-zero revision before and after copying has a record
 * that was neither half-written nor recycled. While a chunk is free its expire-at word links it
 * into its page's free list. The size class is {@link #LARGE_CLASS} for a record larger than the
 * largest size class.
 */
public final class RecordDescriptor {
  public static final int REVISION_OFFSET = 0;
  public static final int EXPIRE_AT_OFFSET = 8;
  public static final int FREE_LINK_OFFSET = EXPIRE_AT_OFFSET;
  public static final int PREVIOUS_OFFSET = 16;
  public static final int WRITE_TIME_OFFSET = 24;
  public static final int KEY_HASH_OFFSET = 32;
  public static final int KEY_LENGTH_OFFSET = 36;
  public static final int VALUE_LENGTH_OFFSET = 40;
  public static final int OPERATION_OFFSET = 44;

  /** Zero; the CLOCK frequency that was here moved to {@link AccessCounts}. */
  public static final int RESERVED_OFFSET = 45;

  public static final int SIZE_CLASS_OFFSET = 46;
  public static final int HEADER_LENGTH = 48;

  /**
   * Size class marker of a record that has memory to itself: a whole page, a buffer of its own, or
   * several pages (see {@code SlabAllocator}).
   */
  public static final int LARGE_CLASS = 0xFFFF;

  private RecordDescriptor() {}

  /** Bytes a record with these lengths occupies, header included. */
  public static long recordLength(int keyLength, int valueLength) {
    return (long) HEADER_LENGTH + keyLength + valueLength;
  }

  /** Offset of the key bytes from the start of the record. */
  public static int keyOffset(int recordOffset) {
    return recordOffset + HEADER_LENGTH;
  }

  /** Offset of the value bytes from the start of the record. */
  public static int valueOffset(int recordOffset, int keyLength) {
    return recordOffset + HEADER_LENGTH + keyLength;
  }
}
