package dev.cellar;

/** The outcome of {@link Atomic#commit()}. */
public interface CommitResult {
  /** True when every check held and every write happened. */
  boolean ok();

  /** The revision of the commit's last write; 0 when not ok. */
  long revision();
}
