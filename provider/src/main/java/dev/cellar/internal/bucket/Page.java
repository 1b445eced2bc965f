package dev.cellar.internal.bucket;

import dev.cellar.KeyPage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An immutable {@link KeyPage}.
 *
 * @param keys the page's keys, in order
 * @param cursor where the next page starts, null when complete
 * @param complete true when the page holds the last matching key
 */
record Page<K>(List<K> keys, @Nullable String cursor, boolean complete) implements KeyPage<K> {}
