package dev.cellar.internal.cache;

import dev.cellar.engine.OffHeapBucket;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Maps an {@link ExpiryPolicy}'s durations onto the engine's expire-at times (epoch milliseconds, 0
 * = never). A creation duration of zero means "do not store"; an update or access duration of null
 * means "leave the expire-at as it is"; zero means "expired now". A policy that throws is treated
 * as eternal at creation and as null otherwise, as the reference implementation does.
 *
 * <p>The five standard policies (exactly those classes) get fast paths: their durations are read
 * once, and reads never call a policy that has no opinion on access.
 */
public final class ExpiryCalculator {
  /** {@link #forCreation} result: the entry must not be stored. */
  public static final long DO_NOT_STORE = -2L;

  /** {@link #forUpdate} result: keep the current expire-at. */
  public static final long KEEP = OffHeapBucket.KEEP_EXPIRY;

  /** {@link #forAccess} result: leave the entry as it is. */
  public static final long UNCHANGED = -3L;

  private final ExpiryPolicy policy;
  private final boolean standard;
  private final @Nullable Duration creation;
  private final @Nullable Duration update;
  private final @Nullable Duration access;

  /** A calculator for {@code policy}. */
  public ExpiryCalculator(ExpiryPolicy policy) {
    this.policy = policy;
    Class<?> type = policy.getClass();
    this.standard =
        type == EternalExpiryPolicy.class
            || type == CreatedExpiryPolicy.class
            || type == AccessedExpiryPolicy.class
            || type == ModifiedExpiryPolicy.class
            || type == TouchedExpiryPolicy.class;
    this.creation = standard ? policy.getExpiryForCreation() : null;
    this.update = standard ? policy.getExpiryForUpdate() : null;
    this.access = standard ? policy.getExpiryForAccess() : null;
  }

  /** The policy itself. */
  public ExpiryPolicy policy() {
    return policy;
  }

  /**
   * True for the eternal policy: a new entry never expires and an update keeps its expire-at, so a
   * write needs no look at the entry first (the engine's KEEP_EXPIRY gives both).
   */
  public boolean eternal() {
    return standard && creation != null && creation.isEternal() && update == null;
  }

  /** True when the policy is not one of the five standard ones, so asking it runs user code. */
  public boolean custom() {
    return !standard;
  }

  /** False when reads never need the policy (standard policies that ignore access). */
  public boolean accessMatters() {
    return !standard || access != null;
  }

  /** Expire-at for a new entry at {@code now}, or {@link #DO_NOT_STORE}. */
  public long forCreation(long now) {
    Duration duration;
    if (standard) {
      duration = creation;
    } else {
      try {
        duration = policy.getExpiryForCreation();
      } catch (Exception e) {
        duration = Duration.ETERNAL;
      }
    }
    if (duration == null) {
      duration = Duration.ETERNAL;
    }
    return duration.isZero() ? DO_NOT_STORE : expireAt(duration, now);
  }

  /** Expire-at for an updated entry at {@code now}, or {@link #KEEP}. */
  public long forUpdate(long now) {
    Duration duration;
    if (standard) {
      duration = update;
    } else {
      try {
        duration = policy.getExpiryForUpdate();
      } catch (Exception e) {
        duration = null;
      }
    }
    return duration == null ? KEEP : expireAt(duration, now);
  }

  /** Expire-at after an access at {@code now}, or {@link #UNCHANGED}. */
  public long forAccess(long now) {
    Duration duration;
    if (standard) {
      duration = access;
    } else {
      try {
        duration = policy.getExpiryForAccess();
      } catch (Exception e) {
        duration = null;
      }
    }
    return duration == null ? UNCHANGED : expireAt(duration, now);
  }

  private static long expireAt(Duration duration, long now) {
    if (duration.isEternal()) {
      return 0L;
    }
    if (duration.isZero()) {
      return Math.max(1L, now);
    }
    long millis = duration.getTimeUnit().toMillis(duration.getDurationAmount());
    long at = now + millis;
    return at < now ? Long.MAX_VALUE : Math.max(1L, at);
  }
}
