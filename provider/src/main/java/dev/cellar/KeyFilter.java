package dev.cellar;

import dev.cellar.internal.bucket.SubjectPattern;
import java.util.Objects;

/** Chooses keys by their string form, {@code String.valueOf(key)}. */
@FunctionalInterface
public interface KeyFilter {
  /** True when the filter accepts {@code key}. */
  boolean matches(Object key);

  /** Accepts every key. */
  static KeyFilter all() {
    return key -> true;
  }

  /** Accepts keys whose string form starts with {@code prefix}. */
  static KeyFilter prefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return key -> String.valueOf(key).startsWith(prefix);
  }

  /**
   * Accepts keys whose string form matches a NATS subject pattern: tokens separated by {@code .},
   * {@code *} matches exactly one token, {@code >} (last only) matches one or more trailing tokens.
   *
   * @throws IllegalArgumentException for an empty token, a wildcard inside a token (as in {@code
   *     ord*}) or a {@code >} that is not the last token
   */
  static KeyFilter pattern(String pattern) {
    SubjectPattern compiled = SubjectPattern.compile(pattern);
    return key -> compiled.matches(String.valueOf(key));
  }
}
