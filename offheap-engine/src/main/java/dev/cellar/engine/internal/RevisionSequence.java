package dev.cellar.engine.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Cache-line padding before the value, so that the hot counter shares its line with nothing. */
abstract class RevisionSequenceLeftPad {
  long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The value, between two paddings. */
abstract class RevisionSequenceValue extends RevisionSequenceLeftPad {
  final AtomicLong value = new AtomicLong();
}

/**
 * The bucket-wide revision counter. Revisions start at 1 and only grow; they are claimed inside a
 * segment's write lock so that a key's revisions follow the order of its writes.
 */
public final class RevisionSequence extends RevisionSequenceValue {
  long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

  /** The latest revision handed out, 0 before the first. */
  public long current() {
    return value.get();
  }

  /** Claims the next revision. */
  public long next() {
    return value.incrementAndGet();
  }

  /** Claims {@code count} consecutive revisions and returns the first. */
  public long next(int count) {
    return value.getAndAdd(count) + 1;
  }
}
