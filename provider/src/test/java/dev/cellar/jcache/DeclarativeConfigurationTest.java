package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import dev.cellar.engine.EntryCursor;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.engine.RecordView;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.spi.CachingProvider;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** getCacheManager with a configuration file's URI: declared caches, their settings, mistakes. */
class DeclarativeConfigurationTest {
  private static final long MIB = 1L << 20;
  private static final URI FILE = URI.create("classpath:cellar/provider-caches.conf");

  private final CachingProvider provider = new CellarCachingProvider();
  private final ClassLoader loader = getClass().getClassLoader();

  @TempDir Path dir;

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  private static CellarConfiguration<?, ?> configurationOf(Cache<?, ?> cache) {
    return cache.getConfiguration(CellarConfiguration.class);
  }

  private static ExpiryPolicy expiryOf(Cache<?, ?> cache) {
    return configurationOf(cache).getExpiryPolicyFactory().create();
  }

  /** The one live record of {@code cache}'s bucket. */
  private static RecordView onlyRecord(Cache<?, ?> cache) {
    EntryCursor cursor = cache.unwrap(OffHeapBucket.class).entries();
    assertTrue(cursor.next(), "the cache holds a record");
    RecordView record = cursor.current();
    assertFalse(cursor.next(), "the cache holds one record");
    return record;
  }

  @Test
  void theCachesTheFileDeclaresExistAtOnceWithTheirSettings() throws Exception {
    CacheManager manager = provider.getCacheManager(FILE, loader);

    Set<String> names = new HashSet<>();
    manager.getCacheNames().forEach(names::add);
    assertEquals(Set.of("orders", "sessions", "flash"), names);

    Cache<Object, Object> orders = manager.getCache("orders", Object.class, Object.class);
    assertNotNull(orders);
    OffHeapBucket ordersBucket = orders.unwrap(OffHeapBucket.class);
    assertEquals(16 * MIB, ordersBucket.maxBytes());
    assertEquals(3, ordersBucket.config().history(), "history from the file's defaults");
    assertEquals(16 * MIB, configurationOf(orders).getMaxBytes());
    assertTrue(configurationOf(orders).isStatisticsEnabled());
    assertTrue(configurationOf(orders).isManagementEnabled());
    ExpiryPolicy ordersExpiry = expiryOf(orders);
    assertInstanceOf(CreatedExpiryPolicy.class, ordersExpiry);
    assertEquals(600_000, ordersExpiry.getExpiryForCreation().getAdjustedTime(0));
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    String managerPart = "classpath.cellar/provider-caches.conf";
    assertTrue(
        server.isRegistered(
            new ObjectName(
                "javax.cache:type=CacheStatistics,CacheManager=" + managerPart + ",Cache=orders")));
    assertTrue(
        server.isRegistered(
            new ObjectName(
                "javax.cache:type=CacheConfiguration,CacheManager="
                    + managerPart
                    + ",Cache=orders")));

    Cache<Object, Object> sessions = manager.getCache("sessions");
    OffHeapBucket sessionsBucket = sessions.unwrap(OffHeapBucket.class);
    assertEquals(8 * MIB, sessionsBucket.maxBytes(), "max-bytes from the file's defaults");
    assertEquals(5, sessionsBucket.config().history());
    assertFalse(configurationOf(sessions).isStatisticsEnabled());
    assertFalse(configurationOf(sessions).isManagementEnabled());
    ExpiryPolicy sessionsExpiry = expiryOf(sessions);
    assertInstanceOf(AccessedExpiryPolicy.class, sessionsExpiry);
    assertEquals(30_000, sessionsExpiry.getExpiryForAccess().getAdjustedTime(0));
    assertEquals(
        0,
        server.queryNames(new ObjectName("javax.cache:Cache=sessions,*"), null).size(),
        "no beans for a cache with statistics and management off");

    // A cache the file does not declare, created in code as Spring and Hibernate do, gets the
    // file's defaults.
    Cache<String, String> undeclared =
        manager.createCache("undeclared", new MutableConfiguration<String, String>());
    assertEquals(8 * MIB, undeclared.unwrap(OffHeapBucket.class).maxBytes());
    assertEquals(3, undeclared.unwrap(OffHeapBucket.class).config().history());
    assertInstanceOf(EternalExpiryPolicy.class, expiryOf(undeclared));
  }

  /** Puts and returns the expire-at stored, checking it is {@code millis} after the put. */
  private static long putAndCheckExpiry(Cache<Object, Object> cache, String key, long millis) {
    long before = System.currentTimeMillis();
    cache.put(key, "value of " + key);
    long after = System.currentTimeMillis();
    long expireAt = onlyRecord(cache).expireAt();
    assertTrue(
        expireAt >= before + millis && expireAt <= after + millis,
        key + " expires " + (expireAt - before) + " ms after the put began, not " + millis);
    return expireAt;
  }

  @Test
  void theFilesExpiryStampsEachWrite() {
    CacheManager manager = provider.getCacheManager(FILE, loader);
    // The caches a file declares run on the system clock, which a test cannot hold still, so the
    // tests read the expire-at the engine stored and bracket it by the clock around the call.
    putAndCheckExpiry(manager.getCache("orders"), "o-1", 600_000);

    Cache<Object, Object> sessions = manager.getCache("sessions");
    putAndCheckExpiry(sessions, "s-1", 30_000);
    long before = System.currentTimeMillis();
    assertEquals("value of s-1", sessions.get("s-1"));
    long after = System.currentTimeMillis();
    long touched = onlyRecord(sessions).expireAt();
    assertTrue(
        touched >= before + 30_000 && touched <= after + 30_000,
        "a read moves an accessed entry's expiry to 30 s after it: " + (touched - before));
  }

  @Test
  void theFilesExpiryTakesEffect() {
    CacheManager manager = provider.getCacheManager(FILE, loader);
    Cache<Object, Object> flash = manager.getCache("flash");
    long expireAt = putAndCheckExpiry(flash, "f-1", 300);

    Await.until(
        Duration.ofSeconds(5),
        () -> flash.get("f-1") == null,
        "f-1 to expire",
        () -> "now " + System.currentTimeMillis() + ", expire-at " + expireAt);
    assertTrue(System.currentTimeMillis() >= expireAt, "expired no earlier than its expire-at");
    assertFalse(flash.containsKey("f-1"));
    assertEquals(0, flash.unwrap(OffHeapBucket.class).entryCount());
  }

  @Test
  void theDefaultUriNeedsNoFile() {
    CacheManager manager = provider.getCacheManager();
    assertEquals(URI.create("cellar:default"), manager.getURI());
    assertFalse(manager.getCacheNames().iterator().hasNext(), "no caches without a file");
    Cache<String, String> cache =
        manager.createCache(
            "plain",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    assertEquals(
        CellarConfiguration.DEFAULT_MAX_BYTES, cache.unwrap(OffHeapBucket.class).maxBytes());
    assertEquals(1, cache.unwrap(OffHeapBucket.class).config().history());
    cache.put("k", "v");
    assertEquals("v", cache.get("k"));
  }

  @Test
  void aBadFileFailsWithACacheExceptionThatNamesIt() throws Exception {
    CacheException misspelt =
        assertThrows(
            CacheException.class,
            () ->
                provider.getCacheManager(URI.create("classpath:cellar/provider-bad.conf"), loader));
    assertEquals(
        "Invalid Cellar configuration classpath:cellar/provider-bad.conf, line 4: unknown key"
            + " cellar.caches.orders.max-byte; allowed here: max-bytes, history, statistics,"
            + " management, expiry, near-cache-size, immutable-types, forgotten-marker-bytes,"
            + " segments (a cache name that holds '.' must be quoted: \"com.acme.Order\" { ... })",
        misspelt.getMessage());

    URI broken = Files.writeString(dir.resolve("broken.conf"), "cellar { defaults {\n").toUri();
    CacheException syntax =
        assertThrows(CacheException.class, () -> provider.getCacheManager(broken, loader));
    assertTrue(
        syntax.getMessage().startsWith("Invalid Cellar configuration " + broken + ": "),
        syntax.getMessage());

    URI missing = URI.create("classpath:cellar/no-such-file.conf");
    CacheException notFound =
        assertThrows(CacheException.class, () -> provider.getCacheManager(missing, loader));
    assertEquals(
        "Cellar configuration classpath:cellar/no-such-file.conf not found: no resource"
            + " \"cellar/no-such-file.conf\" on the class path",
        notFound.getMessage());

    // Nothing half-made is kept: the same URI fails again, and other managers still work.
    assertThrows(CacheException.class, () -> provider.getCacheManager(broken, loader));
    assertNull(provider.getCacheManager(FILE, loader).getCache("undeclared"));
  }
}
