package dev.cellar.jcache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * A listener for every event type that records each event, in the order heard, as {@code "TYPE key
 * old->new"}; register it with a {@code SingletonFactory}.
 */
public final class EventRecorder<V>
    implements CacheEntryCreatedListener<String, V>,
        CacheEntryUpdatedListener<String, V>,
        CacheEntryRemovedListener<String, V>,
        CacheEntryExpiredListener<String, V> {
  /** What was heard so far; safe to read while events arrive. */
  public final List<String> seen = new CopyOnWriteArrayList<>();

  private void record(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
    for (CacheEntryEvent<? extends String, ? extends V> event : events) {
      seen.add(
          event.getEventType()
              + " "
              + event.getKey()
              + " "
              + event.getOldValue()
              + "->"
              + event.getValue());
    }
  }

  @Override
  public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
    record(events);
  }

  @Override
  public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
    record(events);
  }

  @Override
  public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
    record(events);
  }

  @Override
  public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends V>> events) {
    record(events);
  }
}
