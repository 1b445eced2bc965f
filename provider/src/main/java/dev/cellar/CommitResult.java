package dev.cellar;

/** The outcome of {@link Atomic#commit()}. */
public interface CommitResult {
  /** True when every check held and every write happened. */
  boolean ok();

  /**
   * The revision of the commit's last write; 0 when not ok. A commit that wrote nothing (only
   * checks, deletes of absent keys, puts whose expiry said not to store) gives the bucket's latest
   * revision at the commit, one at which all its checks held: it is not a revision of any of its
   * keys, so do not use it as an expected revision for them.
   */
  long revision();
}
