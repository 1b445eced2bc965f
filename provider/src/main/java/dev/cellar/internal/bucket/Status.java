package dev.cellar.internal.bucket;

import dev.cellar.BucketStatus;

/**
 * An immutable {@link BucketStatus}.
 *
 * @param name the bucket's name
 * @param entries keys with a live value
 * @param records retained records
 * @param bytes off-heap bytes in use
 * @param maxBytes the byte budget
 * @param history records kept per key
 * @param revision the latest revision
 * @param evictions EVICT records written
 * @param expirations EXPIRE records written
 */
record Status(
    String name,
    long entries,
    long records,
    long bytes,
    long maxBytes,
    int history,
    long revision,
    long evictions,
    long expirations,
    long forgottenMarkerBytes)
    implements BucketStatus {}
