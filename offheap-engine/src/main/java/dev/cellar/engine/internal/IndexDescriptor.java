package dev.cellar.engine.internal;

/**
 * Layout of one slot of a segment's open-addressing index.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           Key hash                            |  0
 *  +---------------------------------------------------------------+
 *  |   Expiry hint: whole seconds after the bucket's epoch (0 = no)|  4
 *  +---------------------------------------------------------------+
 *  |          Reference of the key's latest record (0 = empty)     |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Linear probing from the hash's home slot ({@link SegmentIndex#home}); deletion shifts later
 * members of the run back so no tombstones exist. The expiry hint lets the sweeper find candidates
 * without touching records; it is rounded down, so the record's own expire-at has the final word.
 */
public final class IndexDescriptor {
  public static final int HASH_OFFSET = 0;
  public static final int EXPIRY_HINT_OFFSET = 4;
  public static final int REF_OFFSET = 8;
  public static final int SLOT_LENGTH = 16;

  private IndexDescriptor() {}

  /** Byte offset of slot {@code slot}. */
  public static int slotOffset(int slot) {
    return slot * SLOT_LENGTH;
  }
}
