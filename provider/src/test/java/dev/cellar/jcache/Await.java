package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting for something another thread does; fails with a message, never hangs. */
final class Await {
  private Await() {}

  /**
   * Waits up to {@code timeout} for {@code condition}; fails with {@code state} if it never holds.
   */
  static void until(
      Duration timeout, BooleanSupplier condition, String what, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail(
            "gave up after " + timeout.toMillis() + " ms waiting for " + what + "; " + state.get());
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
    }
  }
}
