package dev.cellar.internal.management;

import dev.cellar.engine.OffHeapBucket;
import dev.cellar.internal.bucket.CacheBucket;
import dev.cellar.management.CellarCacheMXBean;
import java.util.function.LongSupplier;

/** {@link CellarCacheMXBean} over a cache's engine bucket and bucket view, read live. */
public final class CellarCacheBean implements CellarCacheMXBean {
  private final OffHeapBucket engine;
  private final CacheBucket<?, ?> bucket;
  private final LongSupplier nearHits;
  private final LongSupplier nearEntries;

  /** A bean over {@code engine}, its {@code bucket} view and the cache's near tier figures. */
  public CellarCacheBean(
      OffHeapBucket engine,
      CacheBucket<?, ?> bucket,
      LongSupplier nearHits,
      LongSupplier nearEntries) {
    this.engine = engine;
    this.bucket = bucket;
    this.nearHits = nearHits;
    this.nearEntries = nearEntries;
  }

  @Override
  public long getNearHits() {
    return nearHits.getAsLong();
  }

  @Override
  public long getNearEntries() {
    return nearEntries.getAsLong();
  }

  @Override
  public long getBytesInUse() {
    return live(engine::bytesInUse);
  }

  @Override
  public long getBytesReserved() {
    return live(engine::bytesReserved);
  }

  @Override
  public long getMaxBytes() {
    return engine.maxBytes();
  }

  @Override
  public int getSegments() {
    return engine.config().segments();
  }

  @Override
  public long getMaxEntryBytes() {
    return engine.maxRecordLength();
  }

  @Override
  public long getEntries() {
    return live(engine::entryCount);
  }

  @Override
  public long getRecords() {
    return live(engine::recordCount);
  }

  @Override
  public long getRevision() {
    return live(engine::revision);
  }

  @Override
  public long getEvictions() {
    return live(engine::evictions);
  }

  @Override
  public long getExpirations() {
    return live(engine::expirations);
  }

  @Override
  public int getOpenWatchers() {
    return bucket.openWatches();
  }

  @Override
  public long getMaxWatcherLag() {
    return live(bucket::maxWatchLag);
  }

  @Override
  public long getForgottenMarkerBytes() {
    return live(engine::forgottenMarkerBytes);
  }

  /** The figure, or 0 once the engine is closed (a JMX client may hold on to a closed bean). */
  private long live(LongSupplier figure) {
    if (engine.isClosed()) {
      return 0;
    }
    try {
      return figure.getAsLong();
    } catch (IllegalStateException e) {
      return 0; // closed between the check and the read
    }
  }
}
