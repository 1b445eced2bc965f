package dev.cellar.engine;

/** Receives what a {@link WatchCursor} delivers, on the thread that polls it. */
public interface WatchHandler {
  /** One record; the view is valid until this call returns. */
  void onRecord(RecordView record);

  /** The replay of existing records has ended; what follows are live changes. Called once. */
  default void onEndOfData() {}
}
