package dev.cellar.engine;

import dev.cellar.engine.internal.KeyHash;
import dev.cellar.engine.internal.Segment;
import org.agrona.ExpandableArrayBuffer;

/**
 * Walks the live values of a bucket, weakly consistent: each key present when its segment is
 * reached is returned at most once, with its value at the moment it is returned; keys written or
 * removed meanwhile may or may not appear. Never throws for concurrent changes. Not thread-safe.
 */
public final class EntryCursor {
  private final OffHeapBucket bucket;
  private final ExpandableArrayBuffer keys = new ExpandableArrayBuffer(1024);
  private final ExpandableArrayBuffer record = new ExpandableArrayBuffer(256);
  private final RecordView view = new RecordView();
  private int segment;
  private int position;
  private int end;
  private boolean current;

  EntryCursor(OffHeapBucket bucket) {
    this.bucket = bucket;
  }

  /** Moves to the next live value; false when there are no more. */
  public boolean next() {
    current = false;
    Segment[] segments = bucket.segments();
    while (true) {
      while (position < end) {
        int keyLength = keys.getInt(position);
        int keyOffset = position + 4;
        position = keyOffset + keyLength;
        int hash = KeyHash.hash(keys, keyOffset, keyLength);
        Segment owner = bucket.segmentFor(hash);
        if (owner.reads.copyLatest(hash, keys, keyOffset, keyLength, record)) {
          view.wrap(record, 0);
          long expireAt = view.expireAt();
          boolean expired = expireAt != 0 && bucket.context().clock.time() >= expireAt;
          if (view.op() == RecordOp.PUT && !expired) {
            current = true;
            return true;
          }
        }
      }
      if (segment >= segments.length) {
        return false;
      }
      position = 0;
      end = segments[segment++].scans.collectLiveKeys(keys, 0);
    }
  }

  /** The record {@link #next()} moved to; valid until the next call of {@link #next()}. */
  public RecordView current() {
    if (!current) {
      throw new IllegalStateException("no current record: call next() first");
    }
    return view;
  }
}
