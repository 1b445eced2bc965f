package dev.cellar.internal.cache;

import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/** The results {@code invokeAll} hands back: a value, or the failure, thrown by {@code get()}. */
public final class EntryProcessorResults {
  private EntryProcessorResults() {}

  /** A result holding {@code value}. */
  public static <T> EntryProcessorResult<T> of(T value) {
    return () -> value;
  }

  /** A result whose {@code get()} throws {@code failure} as an {@link EntryProcessorException}. */
  public static <T> EntryProcessorResult<T> failed(Exception failure) {
    EntryProcessorException exception =
        failure instanceof EntryProcessorException processorFailure
            ? processorFailure
            : new EntryProcessorException(failure);
    return () -> {
      throw exception;
    };
  }
}
