package dev.cellar.engine;

import org.jspecify.annotations.Nullable;

/**
 * Told of every mutation while the key's segment is write-locked, so that observations of one key
 * arrive in revision order. Implementations must be quick, must not call back into the bucket and
 * must not run user code: copy what is needed and hand it on.
 *
 * <p><b>Failures.</b> An exception or error thrown by {@link #onMutation} never cuts a mutation
 * short. The engine catches it and completes the mutation and every other one the same call makes
 * (the rest of an {@link AtomicBatch} commit, the evictions that make room for a write, the rest of
 * an expiry sweep): records, index, journal, history trimming and memory accounting all end up
 * exactly as if the observer had returned normally, so the bucket stays consistent and every
 * revision reaches the journal and the watches. Once the segment lock is released, the first
 * failure is thrown, unchanged, from the {@link OffHeapBucket} or {@link AtomicBatch} method that
 * caused the mutations (any method that writes, evicts or expires, {@code get} included); later
 * failures of the same call are dropped. So such an exception means the operation <em>did</em>
 * happen in full; only the observer failed on some of it. If the operation itself fails (a budget
 * too small, a closed bucket), its own exception is thrown instead, with the observer's failure
 * added as suppressed. A checked exception, which only a sneaky throw can produce, arrives wrapped
 * in an {@link java.lang.reflect.UndeclaredThrowableException}.
 */
@FunctionalInterface
public interface MutationObserver {
  /** Ignores every mutation. */
  MutationObserver NONE = (previous, record) -> {};

  /**
   * One mutation happened.
   *
   * @param previous the key's latest record before this mutation (a value or a marker), or {@code
   *     null} when the key had no record; valid only during the call
   * @param record the record this mutation wrote; valid only during the call
   */
  void onMutation(@Nullable RecordView previous, RecordView record);
}
