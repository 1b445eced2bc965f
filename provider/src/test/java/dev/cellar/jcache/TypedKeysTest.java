package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keys in caches with runtime type checking: the empty key is an ordinary key, and every method
 * given a key (or an old value) of the wrong type throws {@link ClassCastException}, not only the
 * writes, leaving the stored entries as they were.
 */
class TypedKeysTest {
  private CacheManager manager;
  private Cache<String, String> strings;

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:typed-keys"), getClass().getClassLoader());
    strings =
        manager.createCache(
            "strings",
            new CellarConfiguration<String, String>().setTypes(String.class, String.class));
    strings.put("k", "v");
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @Test
  void theEmptyStringIsAKeyLikeAnyOther() {
    strings.put("", "empty");
    assertEquals("empty", strings.get(""));
    assertTrue(strings.containsKey(""));
    assertEquals(Map.of("", "empty", "k", "v"), strings.getAll(Set.of("", "k")));
    assertEquals("empty", strings.invoke("", (entry, args) -> entry.getValue()));
    assertTrue(strings.remove(""));
    assertFalse(strings.containsKey(""));
    assertEquals("v", strings.get("k"));
  }

  @Test
  void theEmptyArrayIsAKeyLikeAnyOther() {
    Cache<byte[], byte[]> arrays =
        manager.createCache(
            "arrays",
            new CellarConfiguration<byte[], byte[]>().setTypes(byte[].class, byte[].class));
    arrays.put(new byte[0], new byte[] {1});
    arrays.put(new byte[] {0}, new byte[] {2});
    assertArrayEquals(new byte[] {1}, arrays.get(new byte[0]));
    assertArrayEquals(new byte[] {2}, arrays.get(new byte[] {0}));
    assertTrue(arrays.remove(new byte[0]));
    assertNull(arrays.get(new byte[0]));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Stream<Arguments> callsWithAWrongType() {
    return Stream.of(
        Arguments.of("get", (Consumer<Cache>) c -> c.get(1)),
        Arguments.of("containsKey", (Consumer<Cache>) c -> c.containsKey(1)),
        Arguments.of("getAll", (Consumer<Cache>) c -> c.getAll(Set.of("k", 1))),
        Arguments.of("remove", (Consumer<Cache>) c -> c.remove(1)),
        Arguments.of("remove old value", (Consumer<Cache>) c -> c.remove("k", 1)),
        Arguments.of("getAndRemove", (Consumer<Cache>) c -> c.getAndRemove(1)),
        Arguments.of("removeAll", (Consumer<Cache>) c -> c.removeAll(Set.of("k", 1))),
        Arguments.of("replace old value", (Consumer<Cache>) c -> c.replace("k", 1, "x")),
        Arguments.of("invoke", (Consumer<Cache>) c -> c.invoke(1, (entry, args) -> null)),
        Arguments.of(
            "invokeAll", (Consumer<Cache>) c -> c.invokeAll(Set.of(1), (entry, args) -> null)),
        Arguments.of("loadAll", (Consumer<Cache>) c -> c.loadAll(Set.of(1), false, null)));
  }

  @SuppressWarnings("rawtypes")
  @ParameterizedTest(name = "{0}")
  @MethodSource("callsWithAWrongType")
  void aKeyOrOldValueOfTheWrongTypeIsAClassCastException(String name, Consumer<Cache> call) {
    assertThrows(ClassCastException.class, () -> call.accept(strings));
    assertEquals("v", strings.get("k"));
    assertEquals(1, strings.getAll(Set.of("k", "absent")).size());
  }
}
