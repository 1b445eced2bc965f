package dev.cellar;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of {@link Bucket#list}.
 *
 * @param <K> the key type
 */
public interface KeyPage<K> {
  /** The page's keys, in order. */
  List<K> keys();

  /** Where the next page starts; null when this page is complete. */
  @Nullable String cursor();

  /** True when this page holds the last matching key (or there are none). */
  boolean complete();
}
