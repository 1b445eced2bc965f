package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.RecordDescriptor.EXPIRE_AT_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.HEADER_LENGTH;
import static dev.cellar.engine.internal.RecordDescriptor.KEY_LENGTH_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.OPERATION_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.PREVIOUS_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.REVISION_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.VALUE_LENGTH_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.WRITE_TIME_MASK;
import static dev.cellar.engine.internal.RecordDescriptor.WRITE_TIME_OFFSET;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Field access and checks for records in a page buffer, per {@link RecordDescriptor}. */
public final class Records {
  private Records() {}

  /** The revision of the record at {@code offset}; 0 while free or being written. */
  public static long revision(UnsafeBuffer page, int offset) {
    return page.getLong(offset + REVISION_OFFSET);
  }

  /** The expire-at of the record, epoch milliseconds; 0 for never. */
  public static long expireAt(UnsafeBuffer page, int offset) {
    return page.getLong(offset + EXPIRE_AT_OFFSET);
  }

  /** The reference of the next older version of the key; 0 for none. */
  public static long previous(UnsafeBuffer page, int offset) {
    return page.getLong(offset + PREVIOUS_OFFSET);
  }

  /**
   * The hash of the record's key, computed from its bytes (the header does not keep it). Only for a
   * record the caller holds the segment's write lock over: its key length is trusted.
   */
  public static int keyHash(UnsafeBuffer page, int offset) {
    return KeyHash.hash(page, offset + HEADER_LENGTH, keyLength(page, offset));
  }

  /** The length of the record's key in bytes. */
  public static int keyLength(UnsafeBuffer page, int offset) {
    return page.getInt(offset + KEY_LENGTH_OFFSET);
  }

  /** The length of the record's value in bytes; 0 for markers. */
  public static int valueLength(UnsafeBuffer page, int offset) {
    return page.getInt(offset + VALUE_LENGTH_OFFSET);
  }

  /** The operation code of the record (see {@code RecordOp}). */
  public static int op(DirectBuffer page, int offset) {
    return page.getByte(offset + OPERATION_OFFSET);
  }

  /** When the record was written, epoch milliseconds. */
  public static long writeTime(DirectBuffer page, int offset) {
    return page.getLong(offset + WRITE_TIME_OFFSET, ByteOrder.LITTLE_ENDIAN) & WRITE_TIME_MASK;
  }

  /** Writes the record's write time and operation, the one word they share. */
  public static void putWriteTimeAndOp(
      MutableDirectBuffer page, int offset, long writeTime, int op) {
    page.putLong(
        offset + WRITE_TIME_OFFSET,
        (writeTime & WRITE_TIME_MASK) | ((long) op << 56),
        ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Writes every header field but the revision, which the writer stores last with release semantics
   * once the key and value bytes are in place.
   */
  public static void writeHeader(
      UnsafeBuffer page,
      int offset,
      long expireAt,
      long previous,
      long writeTime,
      int keyLength,
      int valueLength,
      int op) {
    page.putLong(offset + EXPIRE_AT_OFFSET, expireAt);
    page.putLong(offset + PREVIOUS_OFFSET, previous);
    putWriteTimeAndOp(page, offset, writeTime, op);
    page.putInt(offset + KEY_LENGTH_OFFSET, keyLength);
    page.putInt(offset + VALUE_LENGTH_OFFSET, valueLength);
  }

  /** Total bytes of the record at {@code offset}: header, key and value. */
  public static int length(UnsafeBuffer page, int offset) {
    return HEADER_LENGTH + keyLength(page, offset) + valueLength(page, offset);
  }

  /**
   * True when a record header at {@code offset} lies inside {@code page}: what a racing reader
   * checks before it reads any field of a reference it has not validated. Written as a subtraction
   * because {@code offset + HEADER_LENGTH} overflows for offsets near {@link Integer#MAX_VALUE}.
   */
  public static boolean headerFits(UnsafeBuffer page, int offset) {
    return offset >= 0 && offset <= page.capacity() - HEADER_LENGTH;
  }

  /**
   * True when a record whose header claims these lengths lies inside {@code page}. A reader racing
   * a writer checks this before it follows any length, so garbage never leads outside the buffer.
   */
  public static boolean fits(UnsafeBuffer page, int offset, int keyLength, int valueLength) {
    return offset >= 0
        && keyLength >= 0
        && valueLength >= 0
        && (long) offset + HEADER_LENGTH + keyLength + valueLength <= page.capacity();
  }

  /** True when the key of the record at {@code offset} equals the given key bytes. */
  public static boolean keyEquals(
      UnsafeBuffer page, int offset, DirectBuffer key, int keyOffset, int keyLength) {
    if (keyLength(page, offset) != keyLength) {
      return false;
    }
    int recordKey = offset + HEADER_LENGTH;
    int i = 0;
    for (; i + 8 <= keyLength; i += 8) {
      if (page.getLong(recordKey + i, ByteOrder.LITTLE_ENDIAN)
          != key.getLong(keyOffset + i, ByteOrder.LITTLE_ENDIAN)) {
        return false;
      }
    }
    if (i == keyLength) {
      return true;
    }
    // The tail in one read rather than byte by byte: the last eight (or four) bytes, overlapping
    // bytes already compared, which is harmless for equality.
    if (keyLength >= 8) {
      return page.getLong(recordKey + keyLength - 8) == key.getLong(keyOffset + keyLength - 8);
    }
    if (keyLength >= 4) {
      return page.getInt(recordKey) == key.getInt(keyOffset)
          && page.getInt(recordKey + keyLength - 4) == key.getInt(keyOffset + keyLength - 4);
    }
    for (; i < keyLength; i++) {
      if (page.getByte(recordKey + i) != key.getByte(keyOffset + i)) {
        return false;
      }
    }
    return true;
  }
}
