package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cellar.CellarConfiguration;
import java.io.IOException;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * User code that throws a checked exception without declaring it (Kotlin, Lombok's
 * {@code @SneakyThrows}) is wrapped like any other failure, in the JCache type its role names, and
 * the thread's later writes are still heard by synchronous listeners.
 */
class CheckedExceptionsTest {
  private final AtomicBoolean failing = new AtomicBoolean(true);
  private final EventRecorder<String> heard = new EventRecorder<>();
  private CacheManager manager;

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable failure) throws E {
    throw (E) failure;
  }

  private void failIfAsked() {
    if (failing.get()) {
      throw sneaky(new IOException("db down"));
    }
  }

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:checked-exceptions"), getClass().getClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private CellarConfiguration<String, String> config() {
    return new CellarConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .addCacheEntryListenerConfiguration(
            new MutableCacheEntryListenerConfiguration<>(
                new FactoryBuilder.SingletonFactory<>(heard), null, true, true));
  }

  private static void assertCause(Class<?> wrapper, Throwable thrown) {
    assertInstanceOf(wrapper, thrown);
    assertInstanceOf(IOException.class, thrown.getCause(), thrown.toString());
  }

  @Test
  void aLoaderFailureIsACacheLoaderException() {
    CacheLoader<String, String> loader =
        new CacheLoader<>() {
          @Override
          public String load(String key) {
            failIfAsked();
            return "loaded " + key;
          }

          @Override
          public Map<String, String> loadAll(Iterable<? extends String> keys) {
            failIfAsked();
            return Map.of();
          }
        };
    Cache<String, String> cache =
        manager.createCache(
            "loader", config().setReadThrough(true).setCacheLoaderFactory(() -> loader));
    assertCause(CacheLoaderException.class, assertThrows(Exception.class, () -> cache.get("a")));
    assertCause(
        CacheLoaderException.class,
        assertThrows(Exception.class, () -> cache.getAll(Set.of("a", "b"))));
    failing.set(false);
    assertEquals("loaded a", cache.get("a"));
    assertEquals(List.of("CREATED a null->loaded a"), heard.seen);
  }

  @Test
  void aWriterFailureIsACacheWriterExceptionAndLaterWritesAreStillHeard() {
    CacheWriter<String, String> writer =
        new CacheWriter<>() {
          @Override
          public void write(Cache.Entry<? extends String, ? extends String> entry) {
            failIfAsked();
          }

          @Override
          public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> all) {
            failIfAsked();
            all.clear();
          }

          @Override
          public void delete(Object key) {
            failIfAsked();
          }

          @Override
          public void deleteAll(Collection<?> keys) {
            failIfAsked();
            keys.clear();
          }
        };
    Cache<String, String> cache =
        manager.createCache(
            "writer", config().setWriteThrough(true).setCacheWriterFactory(() -> writer));
    failing.set(false);
    cache.put("kept", "1");
    failing.set(true);
    assertCause(
        CacheWriterException.class, assertThrows(Exception.class, () -> cache.put("a", "1")));
    assertCause(
        CacheWriterException.class, assertThrows(Exception.class, () -> cache.remove("kept")));
    assertCause(
        CacheWriterException.class,
        assertThrows(Exception.class, () -> cache.putAll(Map.of("b", "1"))));
    failing.set(false);
    cache.put("c", "1");
    assertNull(cache.get("a"));
    assertEquals("1", cache.get("kept"));
    assertEquals(List.of("CREATED kept null->1", "CREATED c null->1"), heard.seen);
  }

  @Test
  void anEntryProcessorFailureIsAnEntryProcessorException() {
    Cache<String, String> cache = manager.createCache("processor", config());
    cache.put("a", "1");
    assertCause(
        EntryProcessorException.class,
        assertThrows(
            Exception.class,
            () ->
                cache.invoke(
                    "a",
                    (entry, args) -> {
                      entry.setValue("2");
                      failIfAsked();
                      return null;
                    })));
    Map<String, EntryProcessorResult<Object>> results =
        cache.invokeAll(
            Set.of("a"),
            (entry, args) -> {
              failIfAsked();
              return null;
            });
    assertCause(
        EntryProcessorException.class, assertThrows(Exception.class, () -> results.get("a").get()));
    assertEquals("1", cache.get("a"), "the failed processors changed nothing");
    cache.put("b", "1");
    assertEquals(List.of("CREATED a null->1", "CREATED b null->1"), heard.seen);
  }

  @Test
  void aSynchronousListenerFailureIsACacheEntryListenerException() {
    CacheEntryCreatedListener<String, String> listener =
        new CacheEntryCreatedListener<>() {
          @Override
          public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> e) {
            failIfAsked();
          }
        };
    Cache<String, String> cache =
        manager.createCache(
            "listener",
            config()
                .addCacheEntryListenerConfiguration(
                    new MutableCacheEntryListenerConfiguration<>(
                        new FactoryBuilder.SingletonFactory<>(listener), null, false, true)));
    assertCause(
        CacheEntryListenerException.class,
        assertThrows(Exception.class, () -> cache.put("a", "1")));
    assertEquals("1", cache.get("a"), "the write happened before the listener failed");
    failing.set(false);
    cache.put("b", "1");
    assertEquals(List.of("CREATED a null->1", "CREATED b null->1"), heard.seen);
  }

  @Test
  void anExpiryPolicyFailureCountsAsNoAnswer() {
    ExpiryPolicy policy =
        new ExpiryPolicy() {
          @Override
          public Duration getExpiryForCreation() {
            failIfAsked();
            return Duration.ONE_MINUTE;
          }

          @Override
          public Duration getExpiryForAccess() {
            failIfAsked();
            return null;
          }

          @Override
          public Duration getExpiryForUpdate() {
            failIfAsked();
            return null;
          }
        };
    Cache<String, String> cache =
        manager.createCache("expiry", config().setExpiryPolicyFactory(() -> policy));
    cache.put("a", "1");
    cache.put("a", "2");
    assertEquals("2", cache.get("a"));
    assertEquals(List.of("CREATED a null->1", "UPDATED a 1->2"), heard.seen);
  }
}
