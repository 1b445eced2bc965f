package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A value Java serialization cannot write fails with a CacheException and changes nothing. */
class SerializationFailureTest {
  private static final String PLAIN = Plain.class.getName();

  /** Not Serializable. */
  static final class Plain {
    final String text;

    Plain(String text) {
      this.text = text;
    }
  }

  /** Serializable, but holds a field that is not. */
  static final class Holder implements Serializable {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // not serializable on purpose
    final Object inside = new Plain("inside");
  }

  /** Serializable in name, but refuses to be written. */
  static final class Refuser implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) {
      throw new IllegalStateException("this value cannot be written");
    }
  }

  /** Records what reaches the writer and the listener, which a failed write must not reach. */
  static final class Witness
      implements CacheWriter<String, Object>,
          CacheEntryCreatedListener<String, Object>,
          CacheEntryUpdatedListener<String, Object> {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void write(Cache.Entry<? extends String, ? extends Object> entry) {
      seen.add("write " + entry.getKey() + "=" + entry.getValue());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends Object>> entries) {
      entries.forEach(this::write);
      entries.clear();
    }

    @Override
    public void delete(Object key) {
      seen.add("delete " + key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      keys.forEach(this::delete);
      keys.clear();
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Object>> events) {
      events.forEach(e -> seen.add("created " + e.getKey() + "=" + e.getValue()));
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Object>> events) {
      events.forEach(e -> seen.add("updated " + e.getKey() + "=" + e.getValue()));
    }
  }

  private CacheManager manager;
  private Witness witness;
  private Cache<String, Object> cache;

  @BeforeEach
  void createCache() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:serialization-test"), getClass().getClassLoader());
    witness = new Witness();
    cache =
        manager.createCache(
            "values",
            new CellarConfiguration<String, Object>()
                .setTypes(String.class, Object.class)
                .setWriteThrough(true)
                .setCacheWriterFactory(() -> witness)
                .addCacheEntryListenerConfiguration(
                    new MutableCacheEntryListenerConfiguration<>(() -> witness, null, true, true)));
    cache.put("k", "previous");
    cache.put("other", "untouched");
    witness.seen.clear();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  static Stream<Arguments> writes() {
    Plain bad = new Plain("bad");
    return Stream.of(
        Arguments.of("put", (Consumer<Cache<String, Object>>) c -> c.put("k", bad)),
        Arguments.of("getAndPut", (Consumer<Cache<String, Object>>) c -> c.getAndPut("k", bad)),
        Arguments.of(
            "putIfAbsent", (Consumer<Cache<String, Object>>) c -> c.putIfAbsent("absent", bad)),
        Arguments.of("replace", (Consumer<Cache<String, Object>>) c -> c.replace("k", bad)),
        Arguments.of(
            "replace(k, old, new)",
            (Consumer<Cache<String, Object>>) c -> c.replace("k", "previous", bad)),
        Arguments.of(
            "getAndReplace", (Consumer<Cache<String, Object>>) c -> c.getAndReplace("k", bad)),
        Arguments.of(
            "invoke (update)",
            (Consumer<Cache<String, Object>>)
                c ->
                    c.invoke(
                        "k",
                        (entry, args) -> {
                          entry.setValue(bad);
                          return null;
                        })),
        Arguments.of(
            "invoke (create)",
            (Consumer<Cache<String, Object>>)
                c ->
                    c.invoke(
                        "absent",
                        (entry, args) -> {
                          entry.setValue(bad);
                          return null;
                        })));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void aNonSerializableValueFailsNamingItsClassAndChangesNothing(
      String operation, Consumer<Cache<String, Object>> write) {
    CacheException e = assertThrows(CacheException.class, () -> write.accept(cache));

    Throwable failure = e;
    while (!failure.getMessage().startsWith("cannot serialize") && failure.getCause() != null) {
      failure = failure.getCause(); // an entry processor's failure may wrap it
    }
    assertEquals(
        "cannot serialize value of class " + PLAIN + ": java.io.NotSerializableException: " + PLAIN,
        failure.getMessage(),
        operation);
    assertEquals("previous", cache.get("k"), operation + " left the previous value");
    assertFalse(cache.containsKey("absent"), operation + " stored nothing for an absent key");
    assertEquals(List.of(), witness.seen, operation + ": nothing reached the writer or listener");
  }

  @Test
  void aNonSerializableFieldIsNamedBesideTheValuesClass() {
    CacheException e = assertThrows(CacheException.class, () -> cache.put("k", new Holder()));
    assertEquals(
        "cannot serialize value of class "
            + Holder.class.getName()
            + ": java.io.NotSerializableException: "
            + PLAIN,
        e.getMessage());
    assertEquals("previous", cache.get("k"));
    assertEquals(List.of(), witness.seen);
  }

  @Test
  void aValueThatRefusesToBeWrittenFailsWithTheReason() {
    CacheException e = assertThrows(CacheException.class, () -> cache.put("k", new Refuser()));
    assertEquals(
        "cannot serialize value of class "
            + Refuser.class.getName()
            + ": java.lang.IllegalStateException: this value cannot be written",
        e.getMessage());
    assertEquals("previous", cache.get("k"));
    assertEquals(List.of(), witness.seen);
  }

  @Test
  void putAllWithOneBadValueWritesNone() {
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("a", "fine");
    batch.put("k", new Plain("bad"));
    batch.put("z", "fine too");

    CacheException e = assertThrows(CacheException.class, () -> cache.putAll(batch));

    assertTrue(
        e.getMessage().startsWith("cannot serialize value of class " + PLAIN), e.getMessage());
    assertEquals("previous", cache.get("k"));
    assertFalse(cache.containsKey("a"));
    assertFalse(cache.containsKey("z"));
    assertEquals(List.of(), witness.seen);
  }

  @Test
  void aNonSerializableKeyFailsNamingItsClass() {
    Cache<Object, String> byObject =
        manager.createCache(
            "keys", new CellarConfiguration<Object, String>().setTypes(Object.class, String.class));
    CacheException e =
        assertThrows(CacheException.class, () -> byObject.put(new Plain("key"), "value"));
    assertTrue(e.getMessage().startsWith("cannot serialize key of class " + PLAIN), e.getMessage());
    assertFalse(byObject.iterator().hasNext(), "nothing stored");
    // The failed write left the thread's buffers usable.
    byObject.put("k", "v");
    assertEquals("v", byObject.get("k"));
  }
}
