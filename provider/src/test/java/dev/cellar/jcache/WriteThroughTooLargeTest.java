package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A value too large for the cache's budget is refused before the writer sees it: the system of
 * record and the cache never disagree, and what the cache held stays.
 */
class WriteThroughTooLargeTest {
  private static final byte[] HUGE = new byte[2 << 20];

  private final Map<String, Integer> database = new ConcurrentHashMap<>();
  private CacheManager manager;
  private Cache<String, byte[]> cache;

  @BeforeEach
  void createCache() {
    CacheWriter<String, byte[]> writer =
        new CacheWriter<>() {
          @Override
          public void write(Cache.Entry<? extends String, ? extends byte[]> entry) {
            database.put(entry.getKey(), entry.getValue().length);
          }

          @Override
          public void writeAll(Collection<Cache.Entry<? extends String, ? extends byte[]>> all) {
            all.forEach(this::write);
            all.clear();
          }

          @Override
          public void delete(Object key) {
            database.remove(key);
          }

          @Override
          public void deleteAll(Collection<?> keys) {
            keys.forEach(this::delete);
            keys.clear();
          }
        };
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(
                URI.create("cellar:write-through-too-large"), getClass().getClassLoader());
    cache =
        manager.createCache(
            "records",
            new CellarConfiguration<String, byte[]>()
                .setTypes(String.class, byte[].class)
                .setMaxBytes(CellarConfiguration.MIN_MAX_BYTES)
                .setWriteThrough(true)
                .setCacheWriterFactory(() -> writer));
    cache.put("k", new byte[3]);
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  static Stream<Arguments> writes() {
    Map<String, byte[]> batch = new LinkedHashMap<>();
    batch.put("a", new byte[1]);
    batch.put("k", HUGE);
    batch.put("c", new byte[1]);
    return Stream.of(
        Arguments.of("put", (Consumer<Cache<String, byte[]>>) c -> c.put("k", HUGE)),
        Arguments.of("getAndPut", (Consumer<Cache<String, byte[]>>) c -> c.getAndPut("k", HUGE)),
        Arguments.of("replace", (Consumer<Cache<String, byte[]>>) c -> c.replace("k", HUGE)),
        Arguments.of(
            "replace old value",
            (Consumer<Cache<String, byte[]>>) c -> c.replace("k", new byte[3], HUGE)),
        Arguments.of(
            "getAndReplace", (Consumer<Cache<String, byte[]>>) c -> c.getAndReplace("k", HUGE)),
        Arguments.of(
            "putIfAbsent", (Consumer<Cache<String, byte[]>>) c -> c.putIfAbsent("absent", HUGE)),
        Arguments.of("putAll", (Consumer<Cache<String, byte[]>>) c -> c.putAll(batch)),
        Arguments.of(
            "invoke",
            (Consumer<Cache<String, byte[]>>)
                c ->
                    c.invoke(
                        "k",
                        (entry, args) -> {
                          entry.setValue(HUGE);
                          return null;
                        })));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void aValueTooLargeReachesNeitherTheWriterNorTheCache(
      String name, Consumer<Cache<String, byte[]>> write) {
    assertThrows(CacheException.class, () -> write.accept(cache));
    assertEquals(Map.of("k", 3), database, "the writer saw only the first put");
    assertArrayEquals(new byte[3], cache.get("k"));
    assertNull(cache.get("a"));
    assertNull(cache.get("absent"));
  }
}
