package dev.cellar.internal.bucket;

import dev.cellar.BucketEntry;
import dev.cellar.Operation;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An immutable {@link BucketEntry}.
 *
 * @param bucket the bucket's name
 * @param key the key
 * @param value the value, null for markers
 * @param revision the record's revision
 * @param operation what the record says happened
 * @param created when the record was written
 * @param expiresAt when the value expires, null if never
 */
record Entry<K, V>(
    String bucket,
    K key,
    @Nullable V value,
    long revision,
    Operation operation,
    Instant created,
    @Nullable Instant expiresAt)
    implements BucketEntry<K, V> {}
