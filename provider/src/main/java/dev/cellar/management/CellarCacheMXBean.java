package dev.cellar.management;

/**
 * The off-heap figures of one Cellar cache, registered in the platform MBean server under {@code
 * dev.cellar:type=Cache,CacheManager=<uri>,Cache=<name>} (with {@code , : = "} and line breaks in
 * the URI and name replaced by dots, as for the standard {@code javax.cache} beans) from the moment
 * the cache is created, whatever its management setting, until it is closed or destroyed or its
 * manager closes. Every attribute is read live; once the cache is closed they read 0.
 */
public interface CellarCacheMXBean {
  /** Off-heap bytes holding data now: pages with records, index tables, markers and journal. */
  long getBytesInUse();

  /** All off-heap bytes the cache holds: those in use plus emptied pages kept for reuse. */
  long getBytesReserved();

  /** The off-heap byte budget ({@code max-bytes}); the cache evicts rather than exceed it. */
  long getMaxBytes();

  /**
   * Segments of the off-heap store ({@code segments}): each has its own write lock and an equal
   * share of the byte budget.
   */
  int getSegments();

  /**
   * The largest entry the cache accepts, in bytes of its record: the 40-byte header plus the
   * serialized key and value; a quarter of a segment's share of the budget.
   */
  long getMaxEntryBytes();

  /** Keys with a live value. */
  long getEntries();

  /** Retained records, history and delete markers included. */
  long getRecords();

  /** The latest revision the cache handed out; 0 before the first write. */
  long getRevision();

  /** Entries evicted for the byte budget since the cache was created (not reset by statistics). */
  long getEvictions();

  /** Entries expired since the cache was created (not reset by statistics). */
  long getExpirations();

  /** Bucket watches open on the cache. */
  int getOpenWatchers();

  /** Revisions the slowest open watch is behind the latest; 0 when none is open. */
  long getMaxWatcherLag();

  /**
   * Heap bytes held for markers whose keys were forgotten before every open watch read them (not
   * part of the byte budget); 0 while watches keep up.
   */
  long getForgottenMarkerBytes();

  /** Reads served by the near tier since the cache was created; 0 without a near tier. */
  long getNearHits();

  /** About how many decoded values the near tier holds; 0 without a near tier. */
  long getNearEntries();
}
