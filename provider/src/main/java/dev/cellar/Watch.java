package dev.cellar;

/** A running watch of a bucket. */
public interface Watch extends AutoCloseable {
  /**
   * The revision of the last record delivered; 0 before the first. Lower again while the replay
   * after a {@link Watcher#onReset()} runs.
   */
  long lastRevision();

  /**
   * Stops delivery; no call of the watcher starts after it returns, and (called from another
   * thread) it returns only after a call in progress has returned. Idempotent; may be called from
   * inside the watcher.
   */
  @Override
  void close();
}
