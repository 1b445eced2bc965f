package dev.cellar.examples;

import dev.cellar.CellarConfiguration;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * Listeners: a synchronous one, which has each event before the call that caused it returns, and an
 * asynchronous one, which gets the events of a key later, in order, on another thread. Both ask for
 * old values, so updates and removals say what they replaced.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples -am verify
 * -Dexample=ListenerExample}.
 */
public final class ListenerExample {
  private ListenerExample() {}

  /**
   * What the listeners saw, one {@code TYPE key ...} line per event.
   *
   * @param synchronous the synchronous listener's events
   * @param asynchronous the asynchronous listener's events
   */
  public record Seen(List<String> synchronous, List<String> asynchronous) {}

  /** Runs the example and prints what it does. */
  public static void main(String[] args) throws InterruptedException {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}; returns what each listener saw. */
  public static Seen run(PrintStream out) throws InterruptedException {
    CacheManager manager =
        Caching.getCachingProvider().getCacheManager(URI.create("cellar:listener-example"), null);
    try {
      Cache<String, String> prices =
          manager.createCache(
              "prices",
              new CellarConfiguration<String, String>().setTypes(String.class, String.class));
      Recorder synchronous = new Recorder(0);
      Recorder asynchronous = new Recorder(3);
      // (listener factory, filter factory, old values required, synchronous)
      prices.registerCacheEntryListener(
          new MutableCacheEntryListenerConfiguration<>(() -> synchronous, null, true, true));
      prices.registerCacheEntryListener(
          new MutableCacheEntryListenerConfiguration<>(() -> asynchronous, null, true, false));

      prices.put("price.apple", "1.00");
      out.println("put price.apple 1.00;   the synchronous listener has " + synchronous.last());
      prices.put("price.apple", "1.20");
      out.println("put price.apple 1.20;   the synchronous listener has " + synchronous.last());
      prices.remove("price.apple");
      out.println("remove price.apple;     the synchronous listener has " + synchronous.last());

      // The asynchronous listener runs on Cellar's listener pool; wait for its three events.
      boolean all = asynchronous.await();
      out.println("the asynchronous listener got all three: " + all);
      Seen seen = new Seen(synchronous.events(), asynchronous.events());
      seen.asynchronous().forEach(event -> out.println("  async: " + event));
      return seen;
    } finally {
      manager.close();
    }
  }

  /** Records CREATED, UPDATED and REMOVED events with their old values. */
  private static final class Recorder
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryUpdatedListener<String, String>,
          CacheEntryRemovedListener<String, String> {
    private final List<String> events = new ArrayList<>();
    private final CountDownLatch expected;

    Recorder(int expected) {
      this.expected = new CountDownLatch(expected);
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      batch.forEach(event -> add("CREATED " + event.getKey() + " = " + event.getValue()));
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      batch.forEach(
          event ->
              add(
                  "UPDATED "
                      + event.getKey()
                      + " "
                      + event.getOldValue()
                      + " -> "
                      + event.getValue()));
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      batch.forEach(
          event -> add("REMOVED " + event.getKey() + " (was " + event.getOldValue() + ")"));
    }

    private void add(String event) {
      synchronized (events) {
        events.add(event);
      }
      expected.countDown();
    }

    String last() {
      synchronized (events) {
        return events.isEmpty() ? "nothing" : events.get(events.size() - 1);
      }
    }

    List<String> events() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }

    boolean await() throws InterruptedException {
      return expected.await(10, TimeUnit.SECONDS);
    }
  }
}
