package dev.cellar.engine;

import static dev.cellar.engine.internal.RecordDescriptor.EXPIRE_AT_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.HEADER_LENGTH;
import static dev.cellar.engine.internal.RecordDescriptor.KEY_LENGTH_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.REVISION_OFFSET;
import static dev.cellar.engine.internal.RecordDescriptor.VALUE_LENGTH_OFFSET;

import dev.cellar.engine.internal.Records;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A flyweight over one record: its metadata, key bytes and value bytes.
 *
 * <p>A view handed to a {@link MutationObserver} points into the bucket's memory and is valid only
 * during that call; a view handed to a {@link RecordVisitor}, a {@link WatchHandler} or read from
 * an {@link EntryCursor} points at a private copy and is valid until the next record is delivered.
 * Copy out what must outlive that.
 */
public final class RecordView {
  private static final DirectBuffer EMPTY = new UnsafeBuffer(new byte[0]);

  private DirectBuffer buffer = EMPTY;
  private int offset;

  /** Points this view at the record that starts at {@code offset} in {@code buffer}. */
  public RecordView wrap(DirectBuffer buffer, int offset) {
    this.buffer = buffer;
    this.offset = offset;
    return this;
  }

  /** Points this view at nothing, so it keeps no buffer reachable. */
  public RecordView clear() {
    this.buffer = EMPTY;
    this.offset = 0;
    return this;
  }

  /** The buffer that holds the record. */
  public DirectBuffer buffer() {
    return buffer;
  }

  /** The record's revision. */
  public long revision() {
    return buffer.getLong(offset + REVISION_OFFSET);
  }

  /** What the record says happened. */
  public RecordOp op() {
    return RecordOp.fromCode(Records.op(buffer, offset));
  }

  /** When the record was written, epoch milliseconds. */
  public long writeTime() {
    return Records.writeTime(buffer, offset);
  }

  /** When the value expires, epoch milliseconds; 0 when it never does. */
  public long expireAt() {
    return buffer.getLong(offset + EXPIRE_AT_OFFSET);
  }

  /** Offset of the key bytes in {@link #buffer()}. */
  public int keyOffset() {
    return offset + HEADER_LENGTH;
  }

  /** Length of the key in bytes. */
  public int keyLength() {
    return buffer.getInt(offset + KEY_LENGTH_OFFSET);
  }

  /** Offset of the value bytes in {@link #buffer()}. */
  public int valueOffset() {
    return offset + HEADER_LENGTH + keyLength();
  }

  /** Length of the value in bytes; 0 for markers. */
  public int valueLength() {
    return buffer.getInt(offset + VALUE_LENGTH_OFFSET);
  }

  /** A fresh copy of the key bytes. Allocates; meant for tests, tools and examples. */
  public byte[] keyBytes() {
    byte[] bytes = new byte[keyLength()];
    buffer.getBytes(keyOffset(), bytes);
    return bytes;
  }

  /** A fresh copy of the value bytes. Allocates; meant for tests, tools and examples. */
  public byte[] valueBytes() {
    byte[] bytes = new byte[valueLength()];
    buffer.getBytes(valueOffset(), bytes);
    return bytes;
  }

  @Override
  public String toString() {
    return buffer == null
        ? "RecordView{}"
        : "RecordView{revision="
            + revision()
            + ", op="
            + op()
            + ", keyLength="
            + keyLength()
            + ", valueLength="
            + valueLength()
            + ", expireAt="
            + expireAt()
            + '}';
  }
}
