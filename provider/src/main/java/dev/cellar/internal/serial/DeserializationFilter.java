package dev.cellar.internal.serial;

import java.io.ObjectInputFilter;
import java.io.ObjectInputFilter.FilterInfo;
import java.io.ObjectInputFilter.Status;
import org.jspecify.annotations.Nullable;

/**
 * What a cache lets Java deserialization (and the enum encoding) load: the configured {@link
 * ObjectInputFilter} pattern, or else Cellar's default limits; in both cases merged with the
 * JVM-wide filter ({@code jdk.serialFilter}), which setting a stream's own filter would otherwise
 * switch off.
 *
 * <p>The default accepts any class. It bounds array lengths, references and stream bytes by the
 * stream's own size, which no valid stream exceeds (every element, reference and byte takes at
 * least one byte), so it never rejects a value Cellar wrote yet refuses a corrupt length before
 * anything is allocated for it. It also bounds nesting at {@link #DEFAULT_MAX_DEPTH}, so that
 * corrupt or hostile bytes cannot overflow the reading thread's stack; a pattern with {@code
 * maxdepth=} replaces that bound.
 */
final class DeserializationFilter {
  /**
   * The deepest object nesting the default filter accepts: about as deep as a thread with the
   * default 1 MiB stack can write, so it refuses little that could have been stored.
   */
  static final long DEFAULT_MAX_DEPTH = 1000;

  /** The fewest bytes one more level of nesting adds: a new object's tag and class reference. */
  private static final long MIN_BYTES_PER_LEVEL = 6;

  private final @Nullable String pattern;
  private final @Nullable ObjectInputFilter patternFilter;

  /**
   * A filter from an {@link ObjectInputFilter.Config#createFilter} pattern, or Cellar's default
   * limits when {@code pattern} is null.
   *
   * @throws IllegalArgumentException if the pattern is malformed
   */
  DeserializationFilter(@Nullable String pattern) {
    this.pattern = pattern;
    this.patternFilter = pattern == null ? null : ObjectInputFilter.Config.createFilter(pattern);
  }

  /**
   * False only when a stream of {@code length} bytes that Java serialization wrote is sure to pass:
   * no pattern or JVM-wide filter, which may refuse classes, and too few bytes to nest deeper than
   * {@link #DEFAULT_MAX_DEPTH} (each level takes at least a tag and a class reference).
   */
  boolean mayReject(long length) {
    return pattern != null
        || ObjectInputFilter.Config.getSerialFilter() != null
        || length > MIN_BYTES_PER_LEVEL * DEFAULT_MAX_DEPTH;
  }

  /** A filter for one stream of {@code length} bytes; it remembers what it rejected, and why. */
  StreamFilter forStream(long length) {
    return new StreamFilter(effective(length));
  }

  /**
   * Checks a class about to be loaded by name outside a stream (an enum constant's class).
   *
   * @throws javax.cache.CacheException if the filter rejects it
   */
  void checkClass(Class<?> type) {
    if (effective(0).checkInput(new ClassOnly(type)) == Status.REJECTED) {
      throw SerialFailures.rejected(
          "class " + type.getTypeName() + " rejected by " + describeFilter());
    }
  }

  private ObjectInputFilter effective(long length) {
    ObjectInputFilter own = patternFilter != null ? patternFilter : limits(length);
    // merge(own, null) is own itself.
    return ObjectInputFilter.merge(own, ObjectInputFilter.Config.getSerialFilter());
  }

  private static ObjectInputFilter limits(long length) {
    return info ->
        info.depth() > DEFAULT_MAX_DEPTH
                || info.references() > length
                || info.arrayLength() > length
                || info.streamBytes() > length
            ? Status.REJECTED
            : Status.UNDECIDED;
  }

  private String describeFilter() {
    String own =
        pattern != null
            ? "the deserialization filter \"" + pattern + "\""
            : "Cellar's default deserialization limits (depth " + DEFAULT_MAX_DEPTH + ")";
    return ObjectInputFilter.Config.getSerialFilter() == null
        ? own
        : own + " or the JVM-wide filter (jdk.serialFilter)";
  }

  /** The filter of one stream: it delegates, and keeps the first rejection for the message. */
  final class StreamFilter implements ObjectInputFilter {
    private final ObjectInputFilter delegate;
    private @Nullable String rejection;

    private StreamFilter(ObjectInputFilter delegate) {
      this.delegate = delegate;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      Status status = delegate.checkInput(info);
      if (status == Status.REJECTED && rejection == null) {
        rejection = describeInput(info) + " rejected by " + describeFilter();
      }
      return status;
    }

    /** What was rejected and by which filter, or null if nothing was. */
    @Nullable String rejection() {
      return rejection;
    }

    private String describeInput(FilterInfo info) {
      Class<?> type = info.serialClass();
      String what = type == null ? "stream" : "class " + type.getTypeName();
      String arrayLength =
          info.arrayLength() < 0 ? "" : "array length " + info.arrayLength() + ", ";
      return what
          + " ("
          + arrayLength
          + "depth "
          + info.depth()
          + ", references "
          + info.references()
          + ", bytes "
          + info.streamBytes()
          + ")";
    }
  }

  /** The filter's view of a class loaded by name, not from a stream. */
  private record ClassOnly(Class<?> serialClass) implements FilterInfo {
    @Override
    public long arrayLength() {
      return -1;
    }

    @Override
    public long depth() {
      return 1;
    }

    @Override
    public long references() {
      return 0;
    }

    @Override
    public long streamBytes() {
      return 0;
    }
  }
}
