package dev.cellar;

/** Figures of a bucket at one moment. */
public interface BucketStatus {
  /** The bucket's name. */
  String name();

  /** Keys with a live, unexpired value. */
  long entries();

  /** Retained records, markers and history included. */
  long records();

  /** Off-heap bytes in use, exactly. */
  long bytes();

  /** The byte budget. */
  long maxBytes();

  /** Records kept per key. */
  int history();

  /** The latest revision; 0 if none. */
  long revision();

  /** EVICT records written so far. */
  long evictions();

  /** EXPIRE records written so far. */
  long expirations();

  /**
   * Heap bytes held for markers whose keys were forgotten before every open watch read them (see
   * {@link Watcher#onReset()}); not part of {@link #maxBytes()}, and 0 while watches keep up.
   */
  long forgottenMarkerBytes();
}
