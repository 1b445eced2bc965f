package dev.cellar.internal.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.cache.configuration.Factory;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.jspecify.annotations.Nullable;

/**
 * A file's {@code expiry { policy, duration }}: one of JCache's standard policies, so that the
 * provider's fast paths for them apply.
 *
 * @param policy which standard policy
 * @param duration how long entries live; {@code null} exactly when the policy is eternal
 */
record ExpirySetting(Policy policy, @Nullable Duration duration) {
  /** Entries never expire: JCache's default. */
  static final ExpirySetting ETERNAL = new ExpirySetting(Policy.ETERNAL, null);

  ExpirySetting {
    if ((policy == Policy.ETERNAL) != (duration == null)) {
      throw new IllegalArgumentException(policy.configName() + " with duration " + duration);
    }
  }

  /** JCache's standard expiry policies, by the name a file gives them. */
  enum Policy {
    /** {@link EternalExpiryPolicy}: never expires. */
    ETERNAL,
    /** {@link CreatedExpiryPolicy}: expires the duration after it was created. */
    CREATED,
    /** {@link AccessedExpiryPolicy}: expires the duration after creation or the last read. */
    ACCESSED,
    /** {@link ModifiedExpiryPolicy}: expires the duration after creation or the last update. */
    MODIFIED,
    /** {@link TouchedExpiryPolicy}: expires the duration after creation, a read or an update. */
    TOUCHED;

    /** The name in a configuration file: the constant in lower case. */
    String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The policy a file names, or {@code null} if there is none by that name. */
    static @Nullable Policy named(String configName) {
      for (Policy policy : values()) {
        if (policy.configName().equals(configName)) {
          return policy;
        }
      }
      return null;
    }

    /** Every name a file may use, for error messages. */
    static String configNames() {
      return Arrays.stream(values()).map(Policy::configName).collect(Collectors.joining(", "));
    }
  }

  /** A fresh, serializable factory for the policy, as {@code setExpiryPolicyFactory} wants. */
  Factory<ExpiryPolicy> factory() {
    if (duration == null) {
      return EternalExpiryPolicy.factoryOf();
    }
    return switch (policy) {
      case ETERNAL -> EternalExpiryPolicy.factoryOf();
      case CREATED -> CreatedExpiryPolicy.factoryOf(duration);
      case ACCESSED -> AccessedExpiryPolicy.factoryOf(duration);
      case MODIFIED -> ModifiedExpiryPolicy.factoryOf(duration);
      case TOUCHED -> TouchedExpiryPolicy.factoryOf(duration);
    };
  }

  /**
   * The JCache duration for {@code length}, in the coarsest unit that holds it exactly (so "10
   * minutes" stays 10 MINUTES in JMX and logs), or {@code null} if JCache cannot express it: JCache
   * counts in whole milliseconds at the finest.
   */
  static @Nullable Duration toJCache(java.time.Duration length) {
    if (length.isNegative() || length.isZero() || length.getNano() % 1_000_000 != 0) {
      return null;
    }
    for (TimeUnit unit :
        new TimeUnit[] {TimeUnit.DAYS, TimeUnit.HOURS, TimeUnit.MINUTES, TimeUnit.SECONDS}) {
      long amount = unit.convert(length);
      if (java.time.Duration.of(amount, unit.toChronoUnit()).equals(length)) {
        return new Duration(unit, amount);
      }
    }
    try {
      return new Duration(TimeUnit.MILLISECONDS, length.toMillis());
    } catch (ArithmeticException e) {
      return null; // Centuries plus a fraction of a second: no JCache unit holds it.
    }
  }
}
