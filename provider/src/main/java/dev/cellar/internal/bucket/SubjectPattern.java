package dev.cellar.internal.bucket;

import java.util.Objects;

/**
 * A compiled NATS subject pattern: tokens separated by {@code .}; {@code *} matches one token,
 * {@code >} as the last token matches one or more tokens. Immutable.
 */
public final class SubjectPattern {
  private static final String ONE = "*";
  private static final String REST = ">";

  private final String source;
  private final String[] tokens;

  private SubjectPattern(String source, String[] tokens) {
    this.source = source;
    this.tokens = tokens;
  }

  /**
   * Parses {@code pattern}.
   *
   * @throws IllegalArgumentException for an empty token, a wildcard inside a token or a {@code >}
   *     that is not last
   */
  public static SubjectPattern compile(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    String[] tokens = pattern.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.isEmpty()) {
        throw new IllegalArgumentException("empty token in pattern '" + pattern + "'");
      }
      boolean wildcard = token.equals(ONE) || token.equals(REST);
      if (!wildcard && (token.indexOf('*') >= 0 || token.indexOf('>') >= 0)) {
        throw new IllegalArgumentException(
            "a wildcard must be a whole token, not '" + token + "' in '" + pattern + "'");
      }
      if (token.equals(REST) && i != tokens.length - 1) {
        throw new IllegalArgumentException("'>' must be the last token in '" + pattern + "'");
      }
    }
    return new SubjectPattern(pattern, tokens);
  }

  /** True when {@code subject} matches this pattern. */
  public boolean matches(String subject) {
    String[] parts = subject.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.equals(REST)) {
        return parts.length > i;
      }
      if (i >= parts.length || !(token.equals(ONE) || token.equals(parts[i]))) {
        return false;
      }
    }
    return parts.length == tokens.length;
  }

  @Override
  public String toString() {
    return source;
  }
}
