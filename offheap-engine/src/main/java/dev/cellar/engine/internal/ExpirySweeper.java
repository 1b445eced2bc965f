package dev.cellar.engine.internal;

import dev.cellar.engine.OffHeapBucket;
import java.lang.ref.WeakReference;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background sweep for expired values: one daemon thread shared by all buckets, each bucket a
 * periodic task that holds it weakly, so a bucket nobody closed can still be collected.
 */
public final class ExpirySweeper {
  private static final Logger LOGGER = Logger.getLogger(ExpirySweeper.class.getName());
  private static final ScheduledThreadPoolExecutor EXECUTOR = createExecutor();

  private ExpirySweeper() {}

  /** Sweeps {@code bucket} every {@code intervalMillis} until it is closed or collected. */
  public static ScheduledFuture<?> schedule(OffHeapBucket bucket, long intervalMillis) {
    WeakReference<OffHeapBucket> weak = new WeakReference<>(bucket);
    AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
    ScheduledFuture<?> future =
        EXECUTOR.scheduleWithFixedDelay(
            () -> {
              OffHeapBucket target = weak.get();
              if (target == null || target.isClosed()) {
                cancel(self);
                return;
              }
              try {
                target.sweepExpired();
              } catch (RuntimeException | Error e) {
                if (target.isClosed()) {
                  cancel(self);
                  return;
                }
                // One failed pass (a budget refusal, an observer's failure) must not end the
                // sweeps: anything thrown from here would cancel them for good.
                LOGGER.log(
                    Level.WARNING, "an expiry sweep failed; the next one runs as planned", e);
              }
            },
            intervalMillis,
            intervalMillis,
            TimeUnit.MILLISECONDS);
    self.set(future);
    return future;
  }

  private static void cancel(AtomicReference<ScheduledFuture<?>> self) {
    ScheduledFuture<?> future = self.get();
    if (future != null) {
      future.cancel(false);
    }
  }

  private static ScheduledThreadPoolExecutor createExecutor() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "cellar-expiry-sweeper");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
