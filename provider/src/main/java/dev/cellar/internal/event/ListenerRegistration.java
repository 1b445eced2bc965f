package dev.cellar.internal.event;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/** A registered listener: its configuration, the listener and filter it made, and delivery. */
final class ListenerRegistration<K, V> {
  private final CacheEntryListenerConfiguration<K, V> configuration;
  private final CacheEntryListener<? super K, ? super V> listener;
  private final @Nullable CacheEntryEventFilter<? super K, ? super V> filter;

  ListenerRegistration(CacheEntryListenerConfiguration<K, V> configuration) {
    this.configuration = configuration;
    this.listener = configuration.getCacheEntryListenerFactory().create();
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    this.filter = filterFactory == null ? null : filterFactory.create();
  }

  CacheEntryListenerConfiguration<K, V> configuration() {
    return configuration;
  }

  boolean synchronous() {
    return configuration.isSynchronous();
  }

  boolean oldValueRequired() {
    return configuration.isOldValueRequired();
  }

  /** True when the listener implements the interface for events of {@code type}. */
  boolean listensTo(EventType type) {
    return switch (type) {
      case CREATED -> listener instanceof CacheEntryCreatedListener;
      case UPDATED -> listener instanceof CacheEntryUpdatedListener;
      case REMOVED -> listener instanceof CacheEntryRemovedListener;
      case EXPIRED -> listener instanceof CacheEntryExpiredListener;
    };
  }

  /** True when the filter (if any) lets {@code event} through. Runs user code. */
  boolean accepts(CacheEntryEvent<K, V> event) {
    return filter == null || filter.evaluate(event);
  }

  /** Hands {@code events}, all of {@code type}, to the listener. Runs user code. */
  @SuppressWarnings("unchecked")
  void deliver(EventType type, List<CacheEntryEvent<K, V>> events) {
    Iterable<CacheEntryEvent<? extends K, ? extends V>> iterable =
        (Iterable<CacheEntryEvent<? extends K, ? extends V>>) (Iterable<?>) events;
    switch (type) {
      case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(iterable);
      case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(iterable);
      case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(iterable);
      case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(iterable);
    }
  }

  /** Closes the listener and filter if they are {@link Closeable}. */
  void close() throws IOException {
    if (listener instanceof Closeable closeable) {
      closeable.close();
    }
    if (filter instanceof Closeable closeable) {
      closeable.close();
    }
  }
}
