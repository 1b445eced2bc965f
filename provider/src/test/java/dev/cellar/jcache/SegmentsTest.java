package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import dev.cellar.engine.EntryCursor;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.engine.RecordView;
import java.net.URI;
import java.util.Arrays;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The segment count: its default, the setting that trades write concurrency for entry size, and the
 * largest entry each allows.
 */
class SegmentsTest {
  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:segments-test"), getClass().getClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @Test
  void aDefaultCacheHasOneSegmentPer4MiBAndTakesEntriesUpToAQuarterOfOne() {
    Cache<String, byte[]> cache =
        manager.createCache(
            "default",
            new CellarConfiguration<String, byte[]>().setTypes(String.class, byte[].class));
    OffHeapBucket bucket = cache.unwrap(OffHeapBucket.class);
    assertEquals(16, bucket.config().segments());
    long largest = bucket.maxRecordLength();
    assertTrue(largest > 960 << 10 && largest < 1 << 20, "about 1 MiB: " + largest);

    byte[] fits = filled(valueLengthFor(cache, largest), 7);
    cache.put("k", fits);
    assertArrayEquals(fits, cache.get("k"));

    byte[] tooLarge = filled(fits.length + 1, 9);
    CacheException refused = assertThrows(CacheException.class, () -> cache.put("k", tooLarge));
    assertTrue(refused.getMessage().contains("this cache has 16 segments"), refused.getMessage());
    assertArrayEquals(fits, cache.get("k"), "the refused put left the stored value alone");
  }

  @Test
  void fewerSegmentsLetLargerEntriesIn() {
    Cache<String, byte[]> cache =
        manager.createCache(
            "blobs",
            new CellarConfiguration<String, byte[]>()
                .setTypes(String.class, byte[].class)
                .setSegments(2));
    OffHeapBucket bucket = cache.unwrap(OffHeapBucket.class);
    assertEquals(2, bucket.config().segments());
    byte[] large = filled(6 << 20, 3);
    cache.put("k", large);
    assertArrayEquals(large, cache.get("k"));
    assertEquals(2, cache.getConfiguration(CellarConfiguration.class).getSegments());
  }

  @Test
  void segmentsWhoseSharesAreTooSmallAreRefusedWhenTheCacheIsCreated() {
    CellarConfiguration<String, String> tooMany =
        new CellarConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setMaxBytes(CellarConfiguration.MIN_MAX_BYTES)
            .setSegments(1024);
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> manager.createCache("small", tooMany));
    assertEquals(
        "invalid configuration for cache small: 1024 segments leave less than 64 KiB each of"
            + " 4194304 bytes",
        refused.getMessage());
    assertNull(manager.getCache("small", String.class, String.class));

    Cache<String, String> cache = manager.createCache("small", tooMany.setSegments(32));
    cache.put("a", "1");
    assertEquals("1", cache.get("a"));
    assertEquals(32, cache.unwrap(OffHeapBucket.class).config().segments());
  }

  @Test
  void theSetterTakesZeroOrAPowerOfTwoUpTo1024() {
    CellarConfiguration<String, String> configuration = new CellarConfiguration<>();
    assertEquals(CellarConfiguration.DEFAULT_SEGMENTS, configuration.getSegments());
    for (int bad : new int[] {-1, 3, 12, 2048, Integer.MIN_VALUE}) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> configuration.setSegments(bad));
      assertEquals(
          "segments must be a power of two from 1 to 1024, or 0 for the default, was " + bad,
          refused.getMessage());
    }
    assertEquals(CellarConfiguration.DEFAULT_SEGMENTS, configuration.getSegments());
    assertEquals(1024, configuration.setSegments(1024).getSegments());
    assertEquals(0, configuration.setSegments(0).getSegments());
  }

  /**
   * The value length that makes the record of key "k" exactly {@code recordLength} bytes, from the
   * encoded lengths of a small value the cache stores first.
   */
  private static int valueLengthFor(Cache<String, byte[]> cache, long recordLength) {
    cache.put("k", new byte[10]);
    EntryCursor entries = cache.unwrap(OffHeapBucket.class).entries();
    assertTrue(entries.next());
    RecordView record = entries.current();
    int encodingOverhead = record.keyLength() + record.valueLength() - 10;
    assertTrue(!entries.next(), "one entry");
    return (int) (recordLength - OffHeapBucket.recordOverhead() - encodingOverhead);
  }

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
