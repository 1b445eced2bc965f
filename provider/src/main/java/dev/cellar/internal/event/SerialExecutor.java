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

  /** Runs on {@code delegate}, or on {@code fallback} once {@code delegate} rejects tasks. */
  SerialExecutor(Executor delegate, Executor fallback) {
    this.delegate = delegate;
    this.fallback = fallback;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
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

  private void drain() {
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
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
