package dev.cellar.engine;

import org.jspecify.annotations.Nullable;

/**
 * Told of every mutation while the key's segment is write-locked, so that observations of one key
 * arrive in revision order. Implementations must be quick, must not call back into the bucket and
 * must not run user code: copy what is needed and hand it on.
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
