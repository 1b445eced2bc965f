package dev.cellar.engine;

/**
 * Decodes the {@code long} that every write of {@link OffHeapBucket} returns, so that writes
 * allocate nothing: a positive value is the revision the write was given; zero or a negative value
 * means the precondition failed, and its negation is the key's current revision (0 when the key has
 * no record at all).
 */
public final class WriteOutcome {
  /** Expected revision that accepts any current state. */
  public static final long ANY_REVISION = -1L;

  private WriteOutcome() {}

  /** True when the write happened. */
  public static boolean succeeded(long outcome) {
    return outcome > 0;
  }

  /** The revision of the write that happened; fails if it did not happen. */
  public static long revision(long outcome) {
    if (outcome <= 0) {
      throw new IllegalStateException("the write did not happen; current revision " + -outcome);
    }
    return outcome;
  }

  /** For a failed write, the key's latest revision (0 if it has no record). */
  public static long currentRevision(long outcome) {
    if (outcome > 0) {
      throw new IllegalStateException("the write happened at revision " + outcome);
    }
    return -outcome;
  }

  /** The outcome of a write that failed because the key's latest revision is {@code current}. */
  static long failed(long current) {
    return -current;
  }
}
