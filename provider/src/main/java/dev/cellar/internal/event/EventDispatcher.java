package dev.cellar.internal.event;

import dev.cellar.engine.MutationObserver;
import dev.cellar.engine.RecordOp;
import dev.cellar.engine.RecordView;
import dev.cellar.internal.cache.KeyBytesHash;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * Turns the engine's mutations into JCache events and delivers them.
 *
 * <p>The engine reports each mutation inside the segment's write lock; the dispatcher copies the
 * bytes listeners need and, in that same lock, chains the event onto the serial lane of its key, so
 * asynchronous listeners see a key's events in revision order. Events for synchronous listeners are
 * collected per thread while a cache operation runs and delivered by {@link #end} after every
 * engine lock is released; their failures reach the caller as {@link CacheEntryListenerException}.
 * A mutation no caller waits for (the background expiry sweep) reaches synchronous listeners
 * through the lanes too. Capacity evictions raise no JCache event.
 */
public final class EventDispatcher<K, V> {
  private static final Logger LOGGER = Logger.getLogger(EventDispatcher.class.getName());
  private static final int LANES = 64;
  private static final Executor SHARED = sharedExecutor();

  /** Decodes the bytes events carry into the cache's key and value objects. */
  public interface Decoder<K, V> {
    /** The key held in {@code bytes}. */
    K key(byte[] bytes);

    /** The value held in {@code bytes}. */
    V value(byte[] bytes);
  }

  private final Cache<K, V> source;
  private final Decoder<K, V> decoder;
  private final CopyOnWriteArrayList<ListenerRegistration<K, V>> registrations =
      new CopyOnWriteArrayList<>();
  private final SerialExecutor[] lanes = new SerialExecutor[LANES];
  private final ThreadLocal<Pending> pending = ThreadLocal.withInitial(Pending::new);
  private volatile boolean hasSync;
  private volatile boolean hasAsync;

  /**
   * A dispatcher for {@code source}; asynchronous listeners run on {@code executor} or Cellar's.
   */
  public EventDispatcher(Cache<K, V> source, Decoder<K, V> decoder, @Nullable Executor executor) {
    this.source = source;
    this.decoder = decoder;
    Executor target = executor == null ? SHARED : executor;
    for (int i = 0; i < LANES; i++) {
      lanes[i] = new SerialExecutor(target, SHARED);
    }
  }

  /**
   * Adds a listener.
   *
   * @throws IllegalArgumentException if an equal configuration is already registered
   */
  public synchronized void register(CacheEntryListenerConfiguration<K, V> configuration) {
    for (ListenerRegistration<K, V> registration : registrations) {
      if (registration.configuration().equals(configuration)) {
        throw new IllegalArgumentException("the listener configuration is already registered");
      }
    }
    registrations.add(new ListenerRegistration<>(configuration));
    refreshFlags();
  }

  /** Removes the listener registered with an equal configuration; false if there was none. */
  public synchronized boolean deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    for (ListenerRegistration<K, V> registration : registrations) {
      if (registration.configuration().equals(configuration)) {
        registrations.remove(registration);
        refreshFlags();
        return true;
      }
    }
    return false;
  }

  /** True when any listener is registered. */
  public boolean active() {
    return hasSync || hasAsync;
  }

  /** The observer to give the engine. */
  public MutationObserver observer() {
    return this::onMutation;
  }

  /**
   * Marks the start of a cache operation on this thread; returns the mark to hand to {@link #end},
   * or -1 when no listener is registered.
   */
  public int begin() {
    if (!hasSync) {
      return -1;
    }
    Pending current = pending.get();
    current.depth++;
    return current.events.size();
  }

  /**
   * Ends the operation begun at {@code mark}: delivers its events to synchronous listeners and
   * returns the first listener failure (not thrown, so the caller decides), or null. A nested
   * operation (one entry of a {@code putAll}, say) delivers nothing: its events stay pending for
   * the outermost one, so that a listener's failure cannot stop the rest of the batch.
   */
  public @Nullable RuntimeException end(int mark) {
    if (mark < 0) {
      return null;
    }
    Pending current = pending.get();
    current.depth--;
    if (current.depth > 0 || current.events.size() == mark) {
      return null;
    }
    List<RawEvent> events = new ArrayList<>(current.events.subList(mark, current.events.size()));
    current.events.subList(mark, current.events.size()).clear();
    return deliver(events, true);
  }

  /** Closes listeners and filters that are {@link java.io.Closeable}. */
  public synchronized void close() {
    for (ListenerRegistration<K, V> registration : registrations) {
      try {
        registration.close();
      } catch (IOException | RuntimeException e) {
        LOGGER.log(Level.WARNING, "closing a cache entry listener failed", e);
      }
    }
    registrations.clear();
    refreshFlags();
  }

  private void refreshFlags() {
    boolean sync = false;
    boolean async = false;
    for (ListenerRegistration<K, V> registration : registrations) {
      sync |= registration.synchronous();
      async |= !registration.synchronous();
    }
    hasSync = sync;
    hasAsync = async;
  }

  private void onMutation(@Nullable RecordView previous, RecordView record) {
    if (!hasSync && !hasAsync) {
      return;
    }
    boolean previousIsValue = previous != null && previous.op() == RecordOp.PUT;
    EventType type;
    switch (record.op()) {
      case PUT -> type = previousIsValue ? EventType.UPDATED : EventType.CREATED;
      case DELETE, PURGE -> type = previousIsValue ? EventType.REMOVED : null;
      case EXPIRE -> type = previousIsValue ? EventType.EXPIRED : null;
      default -> type = null;
    }
    if (type == null) {
      return;
    }
    byte[] key = record.keyBytes();
    byte[] old = previousIsValue && previous != null ? previous.valueBytes() : null;
    byte[] value = record.op() == RecordOp.PUT ? record.valueBytes() : old;
    int lane =
        KeyBytesHash.hash(record.buffer(), record.keyOffset(), record.keyLength()) & (LANES - 1);
    RawEvent event = new RawEvent(type, key, value, old, lane);
    if (hasAsync) {
      lanes[event.stripe()].execute(() -> deliver(List.of(event), false));
    }
    if (hasSync) {
      Pending current = pending.get();
      if (current.depth > 0) {
        current.events.add(event);
      } else {
        lanes[event.stripe()].execute(() -> rethrowNothing(deliver(List.of(event), true)));
      }
    }
  }

  private static void rethrowNothing(@Nullable RuntimeException failure) {
    if (failure != null) {
      LOGGER.log(Level.WARNING, "a cache entry listener failed on a background event", failure);
    }
  }

  /**
   * Delivers {@code events} in order to the synchronous (or asynchronous) listeners; consecutive
   * events of one type reach a listener in one call. Returns the first failure; an {@link Error} is
   * thrown as it is.
   */
  private @Nullable RuntimeException deliver(List<RawEvent> events, boolean synchronous) {
    RuntimeException failure = null;
    List<Decoded> decoded = new ArrayList<>(events.size());
    for (RawEvent event : events) {
      decoded.add(new Decoded(event));
    }
    for (ListenerRegistration<K, V> registration : registrations) {
      if (registration.synchronous() != synchronous) {
        continue;
      }
      try {
        deliverTo(registration, decoded);
      } catch (CacheEntryListenerException e) {
        failure = failure == null ? e : failure;
      } catch (Exception e) {
        failure =
            failure == null
                ? new CacheEntryListenerException("a cache entry listener failed", e)
                : failure;
      }
    }
    if (!synchronous && failure != null) {
      LOGGER.log(Level.WARNING, "an asynchronous cache entry listener failed", failure);
      return null;
    }
    return failure;
  }

  private void deliverTo(ListenerRegistration<K, V> registration, List<Decoded> events) {
    EventType batchType = null;
    List<CacheEntryEvent<K, V>> batch = new ArrayList<>();
    for (Decoded event : events) {
      EventType type = event.raw.type();
      if (!registration.listensTo(type)) {
        continue;
      }
      CellarEntryEvent<K, V> entryEvent = event.forListener(registration.oldValueRequired());
      if (!registration.accepts(entryEvent)) {
        continue;
      }
      if (batchType != null && batchType != type) {
        registration.deliver(batchType, batch);
        batch = new ArrayList<>();
      }
      batchType = type;
      batch.add(entryEvent);
    }
    if (batchType != null) {
      registration.deliver(batchType, batch);
    }
  }

  /** An event decoded once and shared by every listener that receives it. */
  private final class Decoded {
    final RawEvent raw;
    private @Nullable K key;
    private @Nullable V value;
    private @Nullable V oldValue;

    Decoded(RawEvent raw) {
      this.raw = raw;
    }

    CellarEntryEvent<K, V> forListener(boolean oldValueRequired) {
      K k = key == null ? (key = decoder.key(raw.key())) : key;
      byte[] valueBytes = raw.value();
      byte[] oldBytes = raw.oldValue();
      if (value == null && valueBytes != null) {
        value = decoder.value(valueBytes);
      }
      if (oldValue == null && oldBytes != null) {
        oldValue = decoder.value(oldBytes);
      }
      EventType type = raw.type();
      if (oldValueRequired && type != EventType.CREATED) {
        return new CellarEntryEvent<>(source, type, k, value, oldValue, true);
      }
      // Without the old value, REMOVED and EXPIRED carry no value at all: the value is the old one.
      boolean valueless =
          !oldValueRequired && (type == EventType.REMOVED || type == EventType.EXPIRED);
      return new CellarEntryEvent<>(source, type, k, valueless ? null : value, null, false);
    }
  }

  /** The synchronous events of the operations running on one thread, nested ones included. */
  private static final class Pending {
    final ArrayList<RawEvent> events = new ArrayList<>();
    int depth;
  }

  private static Executor sharedExecutor() {
    AtomicInteger counter = new AtomicInteger();
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, "cellar-events-" + counter.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
