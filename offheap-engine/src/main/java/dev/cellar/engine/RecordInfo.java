package dev.cellar.engine;

/**
 * A reusable holder for a record's metadata, filled by reads so that a get allocates nothing. Not
 * thread-safe: give each reading thread its own.
 */
public final class RecordInfo {
  private long revision;
  private RecordOp op = RecordOp.PUT;
  private long writeTime;
  private long expireAt;
  private int valueLength;

  /** The record's revision. */
  public long revision() {
    return revision;
  }

  /** What the record says happened. */
  public RecordOp op() {
    return op;
  }

  /** When the record was written, epoch milliseconds of the bucket's clock. */
  public long writeTime() {
    return writeTime;
  }

  /** When the value expires, epoch milliseconds; 0 when it never does. */
  public long expireAt() {
    return expireAt;
  }

  /** Length of the value in bytes (0 for markers). */
  public int valueLength() {
    return valueLength;
  }

  /** Fills the holder; called by the engine as it reads. */
  public void set(long revision, RecordOp op, long writeTime, long expireAt, int valueLength) {
    this.revision = revision;
    this.op = op;
    this.writeTime = writeTime;
    this.expireAt = expireAt;
    this.valueLength = valueLength;
  }

  @Override
  public String toString() {
    return "RecordInfo{revision="
        + revision
        + ", op="
        + op
        + ", writeTime="
        + writeTime
        + ", expireAt="
        + expireAt
        + ", valueLength="
        + valueLength
        + '}';
  }
}
