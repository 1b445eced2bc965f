package dev.cellar.engine.internal;

/**
 * Layout of one record: a fixed 40-byte header, then the key bytes, then the value bytes.
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
 *  |     Write time, epoch millis, low 56 bits (little-endian)     | 24
 *  |                                               |   Operation   |
 *  +-----------------------------------------------+---------------+
 *  |                          Key length                           | 32
 *  +---------------------------------------------------------------+
 *  |                         Value length                          | 36
 *  +---------------------------------------------------------------+
 *  |                          Key bytes                           ...40
 *  +---------------------------------------------------------------+
 *  |                         Value bytes                          ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The revision is written last with release semantics and is zeroed first when the record is
 * freed, so a reader that sees the same non-zero revision before and after copying has a record
 * that was neither half-written nor recycled. While a chunk is free its expire-at word links it
 * into its page's free list.
 *
 * <p>The write time and the operation share one word, read and written little-endian whatever the
 * platform's order, so that the operation is always its last byte: 56 bits of epoch milliseconds
 * last two million years. The header holds nothing that can be derived: the key's hash is computed
 * again from the key bytes when eviction needs a record's index slot (once per record the CLOCK
 * hand visits, about 7 % of a put's time when every put evicts), and the size class is the page's
 * ({@link SlabPage#sizeClass}). Forty bytes rather than 48 put a 1 KiB value under a 21-byte key
 * (1,085 bytes) in the 1,088-byte size class.
 */
public final class RecordDescriptor {
  public static final int REVISION_OFFSET = 0;
  public static final int EXPIRE_AT_OFFSET = 8;
  public static final int FREE_LINK_OFFSET = EXPIRE_AT_OFFSET;
  public static final int PREVIOUS_OFFSET = 16;

  /** The word of the write time (its low 56 bits) and the operation (its top byte). */
  public static final int WRITE_TIME_OFFSET = 24;

  /** The operation's byte: the top byte of the little-endian write-time word. */
  public static final int OPERATION_OFFSET = 31;

  public static final int KEY_LENGTH_OFFSET = 32;
  public static final int VALUE_LENGTH_OFFSET = 36;
  public static final int HEADER_LENGTH = 40;

  /** The bits of the write-time word that hold the write time. */
  public static final long WRITE_TIME_MASK = (1L << 56) - 1;

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
