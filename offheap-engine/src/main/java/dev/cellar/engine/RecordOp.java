package dev.cellar.engine;

/** What a record says happened to its key. Only {@link #PUT} records carry a value. */
public enum RecordOp {
  /** A value was written. */
  PUT,
  /** The value was deleted; earlier versions stay in history. */
  DELETE,
  /** The key's history was dropped; this marker is all that remains. */
  PURGE,
  /** The value reached its expire-at time. */
  EXPIRE,
  /** The value was evicted to stay within the byte budget. */
  EVICT;

  private static final RecordOp[] VALUES = values();

  /** The operation stored as {@code code}. */
  public static RecordOp fromCode(int code) {
    if (code < 0 || code >= VALUES.length) {
      throw new IllegalArgumentException("unknown record operation code " + code);
    }
    return VALUES[code];
  }

  /** The byte stored in a record for this operation. */
  public int code() {
    return ordinal();
  }

  /** True for every operation but {@link #PUT}: the record holds no value. */
  public boolean isMarker() {
    return this != PUT;
  }
}
