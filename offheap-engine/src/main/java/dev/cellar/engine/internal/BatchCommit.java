package dev.cellar.engine.internal;

import dev.cellar.engine.RecordOp;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The commit protocol of a multi-key batch ({@code dev.cellar.engine.AtomicBatch}): every check is
 * evaluated and every write applied under the write locks of all the segments involved, and the
 * writes get consecutive revisions in the order they were added.
 *
 * <p><b>Lock protocol.</b> The segments' write locks are taken in increasing segment index and
 * released in reverse. A single write holds one segment lock and nothing in the engine holds two,
 * so index order is deadlock-free. The caller (the provider) takes its per-key stripes before, as
 * everywhere: stripe, then segment.
 *
 * <p><b>Steps, all under the locks.</b>
 *
 * <ol>
 *   <li>Every key involved whose latest record is an expired value gets its EXPIRE marker first, as
 *       a single write does; these markers are not part of the commit.
 *   <li>Checks are evaluated against the keys' latest records; one failing means no write.
 *   <li>The effective writes are planned in order: a DELETE of a key without a live value at that
 *       point (earlier operations of the batch counted) is dropped, as is a PUT whose expire-at for
 *       a key without a live value is {@link #SKIP}.
 *   <li>Index room for the new keys is made and a chunk is allocated for every planned record. Both
 *       may evict, and eviction claims revisions for its markers; that is why it all happens before
 *       the commit claims its own. An allocated chunk keeps revision 0, so the reclaimer skips it.
 *       Eviction may hit keys of this very batch, so the latest records are read again and the
 *       checks and the plan evaluated again: a failing check frees the chunks and fails the commit
 *       (the eviction came first); a write no longer planned gives its chunk back.
 *   <li>{@code n} consecutive revisions are claimed at once and the records written and published
 *       in order, each exactly as a single write publishes its record; nothing here can evict.
 * </ol>
 *
 * <p>An observer failure in any step stops nothing: each segment keeps its first one and the
 * earliest of them is thrown once every lock is released (see {@code MutationObserver}).
 */
public final class BatchCommit {
  /** Operation kind: a check of the key's latest revision. */
  public static final byte CHECK = 0;

  /** Operation kind: a PUT of a value. */
  public static final byte PUT = 1;

  /** Operation kind: a DELETE marker over a live value. */
  public static final byte DELETE = 2;

  /** Expire-at of a PUT meaning "write nothing in this case". */
  public static final long SKIP = -2L;

  /** {@link #commit} result when a check failed and nothing was written. */
  public static final long FAILED = -1L;

  /** Rounds of "make room, allocate, look again" before the commit gives up. */
  private static final int ATTEMPTS = 8;

  private BatchCommit() {}

  /**
   * One operation of a batch, its key (and value) copied on heap. {@code expected} is read for
   * checks (0: no live value), the expire-ats for PUTs: one for a key without a live value, one for
   * a key with one; each may be {@code OffHeapBucket.KEEP_EXPIRY} or {@link #SKIP}.
   */
  public static final class Op {
    final byte kind;
    final Segment segment;
    final int hash;
    final UnsafeBuffer key;
    final @Nullable UnsafeBuffer value;
    final long expected;
    final long expireIfAbsent;
    final long expireIfLive;

    /**
     * An operation on the key in {@code key}, whose hash is {@code hash}, held by {@code segment}.
     */
    public Op(
        byte kind,
        Segment segment,
        int hash,
        byte[] key,
        byte @Nullable [] value,
        long expected,
        long expireIfAbsent,
        long expireIfLive) {
      this.kind = kind;
      this.segment = segment;
      this.hash = hash;
      this.key = new UnsafeBuffer(key);
      this.value = value == null ? null : new UnsafeBuffer(value);
      this.expected = expected;
      this.expireIfAbsent = expireIfAbsent;
      this.expireIfLive = expireIfLive;
    }

    int valueLength() {
      return kind == PUT && value != null ? value.capacity() : 0;
    }

    /** Bytes of the record this operation writes; 0 for a check. */
    public long recordLength() {
      return kind == CHECK ? 0 : RecordDescriptor.recordLength(key.capacity(), valueLength());
    }

    /** The index of the segment that holds the key. */
    public int segmentIndex() {
      return segment.index;
    }

    ByteBuffer identity() {
      return ByteBuffer.wrap(key.byteArray());
    }
  }

  /** A key's latest record as the commit last read it. */
  private static final class KeyState {
    final Op first;
    long head = RecordRefs.NONE;
    boolean live;
    long revision;

    KeyState(Op first) {
      this.first = first;
    }
  }

  /**
   * Runs the protocol over {@code ops} (in the order added) and returns the revision of the last
   * write, the bucket's latest revision when nothing is to be written, or {@link #FAILED}. Sets
   * {@code written[0]} to the PUT records written and {@code written[1]} to the DELETE records.
   */
  public static long commit(BucketContext context, List<Op> ops, int[] written) {
    written[0] = 0;
    written[1] = 0;
    Map<ByteBuffer, KeyState> states = new LinkedHashMap<>();
    Map<Segment, Boolean> involved = new IdentityHashMap<>();
    for (Op op : ops) {
      states.computeIfAbsent(op.identity(), k -> new KeyState(op));
      involved.put(op.segment, Boolean.TRUE);
    }
    Segment[] segments = involved.keySet().toArray(new Segment[0]);
    Arrays.sort(segments, (a, b) -> Integer.compare(a.index, b.index));
    return Segment.underWriteLocks(
        segments, context, () -> underLocks(context, ops, states, written));
  }

  private static long underLocks(
      BucketContext context, List<Op> ops, Map<ByteBuffer, KeyState> states, int[] written) {
    long now = context.clock.time();
    for (KeyState state : states.values()) {
      Op op = state.first;
      long head = headOf(op);
      if (head != RecordRefs.NONE && op.segment.isExpiredValue(head, now)) {
        op.segment.appendRecord(
            op.hash, op.key, 0, op.key.capacity(), null, 0, 0, RecordOp.EXPIRE, 0L, head, now);
      }
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      read(states);
      if (!checksHold(ops, states)) {
        return FAILED;
      }
      boolean[] planned = plan(ops, states);
      ensureRoom(ops, states, planned);
      long[] chunks = new long[ops.size()];
      try {
        allocate(ops, planned, chunks);
        // Making room and allocating may have evicted keys of this batch: look again.
        read(states);
        if (!checksHold(ops, states)) {
          return FAILED;
        }
        boolean[] replanned = plan(ops, states);
        boolean covered = true;
        for (int i = 0; i < ops.size(); i++) {
          if (replanned[i] && chunks[i] == RecordRefs.NONE) {
            covered = false;
          } else if (!replanned[i] && chunks[i] != RecordRefs.NONE) {
            ops.get(i).segment.freeUnwritten(chunks[i]);
            chunks[i] = RecordRefs.NONE;
          }
        }
        if (!covered || !slotsFor(ops, states, replanned)) {
          continue; // the chunks are freed below; try again from the current state
        }
        return write(context, ops, replanned, chunks, now, written);
      } finally {
        for (int i = 0; i < chunks.length; i++) {
          if (chunks[i] != RecordRefs.NONE) {
            ops.get(i).segment.freeUnwritten(chunks[i]);
          }
        }
      }
    }
    throw new IllegalStateException(
        "evictions kept changing the keys of the commit; the byte budget is too small for it");
  }

  private static long headOf(Op op) {
    int slot = op.segment.find(op.hash, op.key, 0, op.key.capacity());
    return slot < 0 ? RecordRefs.NONE : SegmentIndex.ref(op.segment.table(), slot);
  }

  /** Reads every key's latest record; evicts and allocates nothing. */
  private static void read(Map<ByteBuffer, KeyState> states) {
    for (KeyState state : states.values()) {
      Segment segment = state.first.segment;
      state.head = headOf(state.first);
      state.live = state.head != RecordRefs.NONE && segment.opOf(state.head) == RecordOp.PUT.code();
      state.revision = state.head == RecordRefs.NONE ? 0 : segment.revisionOf(state.head);
    }
  }

  private static boolean checksHold(List<Op> ops, Map<ByteBuffer, KeyState> states) {
    for (Op op : ops) {
      if (op.kind != CHECK) {
        continue;
      }
      KeyState state = state(states, op);
      boolean holds = op.expected == 0 ? !state.live : state.revision == op.expected;
      if (!holds) {
        return false;
      }
    }
    return true;
  }

  /** Which operations write a record, simulating each key's liveness through the batch. */
  private static boolean[] plan(List<Op> ops, Map<ByteBuffer, KeyState> states) {
    Map<ByteBuffer, Boolean> live = new HashMap<>();
    boolean[] planned = new boolean[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      if (op.kind == CHECK) {
        continue;
      }
      ByteBuffer identity = op.identity();
      boolean isLive = live.computeIfAbsent(identity, k -> state(states, op).live);
      if (op.kind == PUT) {
        planned[i] = isLive ? op.expireIfLive != SKIP : op.expireIfAbsent != SKIP;
        live.put(identity, isLive || planned[i]);
      } else {
        planned[i] = isLive;
        live.put(identity, false);
      }
    }
    return planned;
  }

  /** New keys (no record now) that the plan writes, per segment. */
  private static Map<Segment, Integer> newKeys(
      List<Op> ops, Map<ByteBuffer, KeyState> states, boolean[] planned) {
    Map<Segment, Integer> counts = new IdentityHashMap<>();
    Map<ByteBuffer, Boolean> counted = new HashMap<>();
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      if (planned[i]
          && state(states, op).head == RecordRefs.NONE
          && counted.put(op.identity(), Boolean.TRUE) == null) {
        counts.merge(op.segment, 1, Integer::sum);
      }
    }
    return counts;
  }

  private static void ensureRoom(
      List<Op> ops, Map<ByteBuffer, KeyState> states, boolean[] planned) {
    newKeys(ops, states, planned).forEach(Segment::ensureRoomForKeys);
  }

  private static boolean slotsFor(
      List<Op> ops, Map<ByteBuffer, KeyState> states, boolean[] planned) {
    for (Map.Entry<Segment, Integer> entry : newKeys(ops, states, planned).entrySet()) {
      if (!entry.getKey().hasSlotsFor(entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** A chunk for every planned record, each protecting its key's latest record at the time. */
  private static void allocate(List<Op> ops, boolean[] planned, long[] chunks) {
    for (int i = 0; i < ops.size(); i++) {
      if (planned[i]) {
        Op op = ops.get(i);
        chunks[i] = op.segment.allocateRecord(op.key.capacity(), op.valueLength(), headOf(op));
      }
    }
  }

  /** Claims the revisions and writes the planned records in order; clears the chunks it used. */
  private static long write(
      BucketContext context,
      List<Op> ops,
      boolean[] planned,
      long[] chunks,
      long now,
      int[] written) {
    int count = 0;
    for (boolean p : planned) {
      count += p ? 1 : 0;
    }
    if (count == 0) {
      return context.sequence.current();
    }
    long revision = context.sequence.next(count);
    for (int i = 0; i < ops.size(); i++) {
      if (!planned[i]) {
        continue;
      }
      Op op = ops.get(i);
      Segment segment = op.segment;
      long head = headOf(op);
      long chunk = chunks[i];
      chunks[i] = RecordRefs.NONE;
      if (op.kind == PUT) {
        boolean live = head != RecordRefs.NONE && segment.opOf(head) == RecordOp.PUT.code();
        long expireAt = live ? op.expireIfLive : op.expireIfAbsent;
        if (expireAt == dev.cellar.engine.OffHeapBucket.KEEP_EXPIRY) {
          expireAt = live ? segment.expireAtOf(head) : 0L;
        }
        UnsafeBuffer value = op.value;
        segment.writeRecord(
            chunk,
            revision,
            op.hash,
            op.key,
            0,
            op.key.capacity(),
            value,
            0,
            op.valueLength(),
            RecordOp.PUT,
            expireAt,
            head,
            now);
        written[0]++;
      } else {
        segment.writeRecord(
            chunk,
            revision,
            op.hash,
            op.key,
            0,
            op.key.capacity(),
            null,
            0,
            0,
            RecordOp.DELETE,
            0L,
            head,
            now);
        written[1]++;
      }
      revision++;
    }
    return revision - 1;
  }

  private static KeyState state(Map<ByteBuffer, KeyState> states, Op op) {
    KeyState state = states.get(op.identity());
    if (state == null) {
      throw new IllegalStateException("an operation's key has no state");
    }
    return state;
  }
}
