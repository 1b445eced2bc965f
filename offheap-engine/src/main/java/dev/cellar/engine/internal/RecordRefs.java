package dev.cellar.engine.internal;

/**
 * A record reference packs the page id (high 32 bits) and the offset in the page (low 32 bits).
 * Page id 0 is never used, so reference 0 means "none". References never depend on where a page is
 * mapped.
 */
public final class RecordRefs {
  public static final long NONE = 0L;

  private RecordRefs() {}

  /** The reference of the record at {@code offset} in page {@code pageId}. */
  public static long of(int pageId, int offset) {
    return ((long) pageId << 32) | (offset & 0xFFFF_FFFFL);
  }

  /** The page id of {@code ref}. */
  public static int pageId(long ref) {
    return (int) (ref >>> 32);
  }

  /** The offset of {@code ref} in its page. */
  public static int offset(long ref) {
    return (int) ref;
  }
}
