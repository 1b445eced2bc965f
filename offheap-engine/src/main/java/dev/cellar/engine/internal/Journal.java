package dev.cellar.engine.internal;

import static dev.cellar.engine.internal.JournalDescriptor.KEY_HASH_OFFSET;
import static dev.cellar.engine.internal.JournalDescriptor.LENGTH;
import static dev.cellar.engine.internal.JournalDescriptor.OPERATION_OFFSET;
import static dev.cellar.engine.internal.JournalDescriptor.REF_OFFSET;
import static dev.cellar.engine.internal.JournalDescriptor.REVISION_OFFSET;
import static dev.cellar.engine.internal.JournalDescriptor.SEGMENT_OFFSET;

import java.lang.invoke.VarHandle;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The bucket's change journal: an off-heap ring of {@link JournalDescriptor}s indexed by {@code
 * revision & mask}. Writers append inside their segment's write lock; any number of cursors read
 * without locks.
 *
 * <p>A slot is claimed by swapping its revision for the negated new revision, so two writers whose
 * revisions are a whole ring apart never interleave: the later revision wins and the earlier one,
 * already lapped, is dropped.
 */
public final class Journal {
  /** {@link #read} result: the slot holds the wanted revision; the entry was filled. */
  public static final int FOUND = 0;

  /** {@link #read} result: the wanted revision has not been written yet. */
  public static final int NOT_YET = 1;

  /** {@link #read} result: the slot was overwritten by a later revision. */
  public static final int LAPPED = 2;

  private final UnsafeBuffer ring;
  private final int mask;
  private final int capacity;

  /** A journal of {@code capacity} descriptors (a power of two) in {@code ring}. */
  public Journal(UnsafeBuffer ring, int capacity) {
    this.ring = ring;
    this.capacity = capacity;
    this.mask = capacity - 1;
  }

  /** Bytes the ring of {@code capacity} descriptors needs. */
  public static int ringLength(int capacity) {
    return capacity * LENGTH;
  }

  /** How many revisions the ring holds. */
  public int capacity() {
    return capacity;
  }

  /** Records that {@code revision} wrote the record at {@code ref}. */
  public void append(long revision, long ref, int segment, int op, int keyHash) {
    int offset = (int) (revision & mask) * LENGTH;
    while (true) {
      long current = ring.getLongVolatile(offset + REVISION_OFFSET);
      if (current < 0) {
        Thread.onSpinWait();
        continue;
      }
      if (current >= revision) {
        return;
      }
      if (ring.compareAndSetLong(offset + REVISION_OFFSET, current, -revision)) {
        break;
      }
    }
    ring.putLong(offset + REF_OFFSET, ref);
    ring.putShort(offset + SEGMENT_OFFSET, (short) segment);
    ring.putByte(offset + OPERATION_OFFSET, (byte) op);
    ring.putInt(offset + KEY_HASH_OFFSET, keyHash);
    ring.putLongRelease(offset + REVISION_OFFSET, revision);
  }

  /** Reads the descriptor of {@code revision} into {@code entry}; one of the result constants. */
  public int read(long revision, Entry entry) {
    int offset = (int) (revision & mask) * LENGTH;
    long before = ring.getLongVolatile(offset + REVISION_OFFSET);
    long written = Math.abs(before);
    if (written > revision) {
      return LAPPED;
    }
    if (before != revision) {
      return NOT_YET;
    }
    entry.ref = ring.getLong(offset + REF_OFFSET);
    entry.segment = ring.getShort(offset + SEGMENT_OFFSET) & 0xFFFF;
    entry.op = ring.getByte(offset + OPERATION_OFFSET);
    entry.keyHash = ring.getInt(offset + KEY_HASH_OFFSET);
    VarHandle.loadLoadFence();
    long after = ring.getLongVolatile(offset + REVISION_OFFSET);
    if (after != revision) {
      return LAPPED;
    }
    entry.revision = revision;
    return FOUND;
  }

  /** One descriptor, filled by {@link #read}. */
  public static final class Entry {
    public long revision;
    public long ref;
    public int segment;
    public int op;
    public int keyHash;
  }
}
