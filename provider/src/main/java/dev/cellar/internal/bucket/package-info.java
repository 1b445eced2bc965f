/** The bucket view of a cache (implementation of {@code dev.cellar.Bucket}); not for users. */
@NullMarked
package dev.cellar.internal.bucket;

import org.jspecify.annotations.NullMarked;
