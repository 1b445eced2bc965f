package dev.cellar.internal.event;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the events of one key reach
 * asynchronous listeners in the order the changes happened, while different keys proceed in
 * parallel.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOGGER = Logger.getLogger(SerialExecutor.class.getName());

  private final Executor delegate;
  private final Executor fallback;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /** True when {@link #delegate} is the user's executor rather than Cellar's own pool. */
  private final boolean handOver;

  /** Runs on {@code delegate}, or on {@code fallback} once {@code delegate} rejects tasks. */
  SerialExecutor(Executor delegate, Executor fallback) {
    this.delegate = delegate;
    this.fallback = fallback;
    this.handOver = delegate != fallback;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      if (handOver) {
        // A user's executor may run tasks on the calling thread, which may hold an engine lock
        // that a listener using the cache would wait for forever: hand over from Cellar's pool.
        fallback.execute(this::handOverToDelegate);
        return;
      }
      try {
        delegate.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The executor is shut down. Deliver on the fallback rather than lose the events, and
        // never on this thread: it may hold an engine lock, which a listener using the cache
        // would then wait for forever.
        fallback.execute(this::drain);
      }
    }
  }

  /** Runs on Cellar's pool, never under an engine lock, so the delegate may run tasks inline. */
  private void handOverToDelegate() {
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException e) {
      drain();
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (Exception e) {
          LOGGER.log(Level.WARNING, "an asynchronous cache entry listener failed", e);
        }
      }
    } finally {
      scheduled.set(false);
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
