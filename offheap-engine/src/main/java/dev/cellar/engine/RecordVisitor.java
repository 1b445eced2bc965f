package dev.cellar.engine;

/** Receives copies of records, one at a time, outside any lock. */
@FunctionalInterface
public interface RecordVisitor {
  /** One record; the view is valid until this call returns. */
  void visit(RecordView record);
}
