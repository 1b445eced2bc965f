package dev.cellar.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheManagerSettingsTest {
  private static final long MIB = 1L << 20;

  private static CacheManagerSettings load(String uri) {
    return CacheManagerSettings.load(
        URI.create(uri), CacheManagerSettingsTest.class.getClassLoader());
  }

  private static ExpiryPolicy expiry(CellarConfiguration<?, ?> configuration) {
    return configuration.getExpiryPolicyFactory().create();
  }

  /** Asserts the policy's three answers, and that the duration kept the unit the file used. */
  static void assertExpiry(
      ExpiryPolicy policy,
      @Nullable Duration creation,
      @Nullable Duration access,
      @Nullable Duration update) {
    assertDuration(creation, policy.getExpiryForCreation());
    assertDuration(access, policy.getExpiryForAccess());
    assertDuration(update, policy.getExpiryForUpdate());
  }

  private static void assertDuration(@Nullable Duration expected, @Nullable Duration actual) {
    if (expected == null) {
      assertNull(actual);
      return;
    }
    assertEquals(expected.getTimeUnit(), actual.getTimeUnit());
    assertEquals(expected.getDurationAmount(), actual.getDurationAmount());
  }

  @Test
  void fullExampleGivesEveryCacheItsSectionOverTheDefaults() {
    CacheManagerSettings settings = load("classpath:cellar/full.conf");

    assertEquals(
        List.of("users", "com.acme.Order#items", "sessions"), List.copyOf(settings.cacheNames()));

    CellarConfiguration<Object, Object> defaults = settings.defaults();
    assertEquals(32 * MIB, defaults.getMaxBytes());
    assertEquals(2, defaults.getHistory());
    assertTrue(defaults.isStatisticsEnabled());
    assertFalse(defaults.isManagementEnabled());
    Duration thirtySeconds = new Duration(TimeUnit.SECONDS, 30);
    assertInstanceOf(AccessedExpiryPolicy.class, expiry(defaults));
    assertExpiry(expiry(defaults), thirtySeconds, thirtySeconds, null);

    CellarConfiguration<Object, Object> users = settings.forCache("users");
    assertEquals(256 * MIB, users.getMaxBytes());
    assertEquals(2, users.getHistory());
    assertTrue(users.isStatisticsEnabled());
    assertFalse(users.isManagementEnabled());
    assertInstanceOf(CreatedExpiryPolicy.class, expiry(users));
    assertExpiry(expiry(users), new Duration(TimeUnit.MINUTES, 10), null, null);

    CellarConfiguration<Object, Object> items = settings.forCache("com.acme.Order#items");
    assertEquals(32 * MIB, items.getMaxBytes());
    assertEquals(4, items.getHistory());
    assertTrue(items.isStatisticsEnabled());
    assertTrue(items.isManagementEnabled());
    assertInstanceOf(AccessedExpiryPolicy.class, expiry(items), "inherits the default expiry");
    assertExpiry(expiry(items), thirtySeconds, thirtySeconds, null);

    CellarConfiguration<Object, Object> sessions = settings.forCache("sessions");
    assertFalse(sessions.isStatisticsEnabled());
    assertInstanceOf(EternalExpiryPolicy.class, expiry(sessions));
    assertExpiry(expiry(sessions), Duration.ETERNAL, null, null);
  }

  /** A record the near-tier test declares immutable in a file. */
  public record Money(String currency, long cents) {}

  @Test
  void nearTierSettingsComeFromTheDefaultsAndTheCachesSections() throws Exception {
    CacheManagerSettings settings =
        loadText(
            """
            cellar {
              defaults { near-cache-size = 500 }
              caches {
                prices { near-cache-size = 10000, immutable-types = ["%s", "java.time.DayOfWeek"] }
                plain { near-cache-size = 0 }
              }
            }
            """
                .formatted(Money.class.getName()));
    assertEquals(500, settings.defaults().getNearCacheSize());
    assertEquals(java.util.Set.of(), settings.defaults().getImmutableTypes());
    assertEquals(10_000, settings.forCache("prices").getNearCacheSize());
    assertEquals(
        java.util.List.of(Money.class, java.time.DayOfWeek.class),
        java.util.List.copyOf(settings.forCache("prices").getImmutableTypes()));
    assertEquals(0, settings.forCache("plain").getNearCacheSize());
    assertEquals(500, settings.forCache("undeclared").getNearCacheSize());
    // A configuration given in code that cannot state a near tier takes the file's default.
    var touched = new javax.cache.configuration.MutableConfiguration<String, String>();
    touched.setStatisticsEnabled(true);
    assertEquals(500, settings.applyDefaults(touched).getNearCacheSize());
  }

  @Test
  void forgottenMarkerBytesComeFromTheDefaultsAndTheCachesSections() throws Exception {
    CacheManagerSettings settings =
        loadText(
            """
            cellar {
              defaults { forgotten-marker-bytes = 1 MiB }
              caches {
                events { forgotten-marker-bytes = 0 }
                audit { forgotten-marker-bytes = 32 MiB }
              }
            }
            """);
    assertEquals(1L << 20, settings.defaults().getForgottenMarkerBytes());
    assertEquals(0, settings.forCache("events").getForgottenMarkerBytes());
    assertEquals(32L << 20, settings.forCache("audit").getForgottenMarkerBytes());
    assertEquals(1L << 20, settings.forCache("undeclared").getForgottenMarkerBytes());
    var touched = new javax.cache.configuration.MutableConfiguration<String, String>();
    touched.setStatisticsEnabled(true);
    assertEquals(1L << 20, settings.applyDefaults(touched).getForgottenMarkerBytes());
  }

  @Test
  void segmentsComeFromTheDefaultsAndTheCachesSections() throws Exception {
    CacheManagerSettings settings =
        loadText(
            """
            cellar {
              defaults { segments = 32 }
              caches {
                blobs { segments = 1 }
                plain { }
              }
            }
            """);
    assertEquals(32, settings.defaults().getSegments());
    assertEquals(1, settings.forCache("blobs").getSegments());
    assertEquals(32, settings.forCache("plain").getSegments());
    assertEquals(32, settings.forCache("undeclared").getSegments());
    var touched = new javax.cache.configuration.MutableConfiguration<String, String>();
    touched.setStatisticsEnabled(true);
    CellarConfiguration<String, String> completed = settings.applyDefaults(touched);
    assertEquals(32, completed.getSegments());
    assertTrue(completed.isStatisticsEnabled(), "the given configuration's statistics win");
    assertEquals(
        CellarConfiguration.DEFAULT_SEGMENTS,
        CacheManagerSettings.load(
                ConfigLocation.DEFAULT_URI, CacheManagerSettingsTest.class.getClassLoader())
            .forCache("any")
            .getSegments());
  }

  /** The settings of a configuration file holding {@code text}, read from a temporary file. */
  private static CacheManagerSettings loadText(String text) throws java.io.IOException {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("settings", ".conf");
    try {
      java.nio.file.Files.writeString(file, text);
      return CacheManagerSettings.load(
          file.toUri(), CacheManagerSettingsTest.class.getClassLoader());
    } finally {
      java.nio.file.Files.delete(file);
    }
  }

  @Test
  void aCacheTheFileDoesNotDeclareGetsTheDefaults() {
    CacheManagerSettings settings = load("classpath:cellar/full.conf");

    CellarConfiguration<Object, Object> other = settings.forCache("not-declared");

    assertFalse(settings.cacheNames().contains("not-declared"));
    assertEquals(settings.defaults().getMaxBytes(), other.getMaxBytes());
    assertEquals(2, other.getHistory());
    assertTrue(other.isStatisticsEnabled());
    assertInstanceOf(AccessedExpiryPolicy.class, expiry(other));
  }

  @Test
  void everyCallHandsOutAFreshCopy() {
    CacheManagerSettings settings = load("classpath:cellar/full.conf");

    CellarConfiguration<Object, Object> first = settings.forCache("users");
    first.setMaxBytes(8 * MIB).setHistory(64);
    settings.defaults().setStatisticsEnabled(false);

    assertNotSame(first, settings.forCache("users"));
    assertEquals(256 * MIB, settings.forCache("users").getMaxBytes());
    assertEquals(2, settings.forCache("users").getHistory());
    assertTrue(settings.defaults().isStatisticsEnabled());
  }

  @Test
  void everyStandardExpiryPolicyKeepsTheUnitTheFileUsed() {
    CacheManagerSettings settings = load("classpath:cellar/expiry-policies.conf");

    assertInstanceOf(EternalExpiryPolicy.class, expiry(settings.forCache("eternal")));
    assertExpiry(expiry(settings.forCache("eternal")), Duration.ETERNAL, null, null);

    Duration ninetySeconds = new Duration(TimeUnit.SECONDS, 90);
    assertInstanceOf(CreatedExpiryPolicy.class, expiry(settings.forCache("created")));
    assertExpiry(expiry(settings.forCache("created")), ninetySeconds, null, null);

    Duration twoHours = new Duration(TimeUnit.HOURS, 2);
    assertInstanceOf(AccessedExpiryPolicy.class, expiry(settings.forCache("accessed")));
    assertExpiry(expiry(settings.forCache("accessed")), twoHours, twoHours, null);

    Duration oneDay = new Duration(TimeUnit.DAYS, 1);
    assertInstanceOf(ModifiedExpiryPolicy.class, expiry(settings.forCache("modified")));
    assertExpiry(expiry(settings.forCache("modified")), oneDay, null, oneDay);

    Duration quarterSecond = new Duration(TimeUnit.MILLISECONDS, 250);
    // The file writes "Touched": policy names are read in any case.
    assertInstanceOf(TouchedExpiryPolicy.class, expiry(settings.forCache("touched")));
    assertExpiry(expiry(settings.forCache("touched")), quarterSecond, quarterSecond, quarterSecond);
  }

  @Test
  void quotedNamesHoldDotsHashesAndDashes() {
    CacheManagerSettings settings = load("classpath:cellar/hibernate-names.conf");

    assertEquals(
        List.of(
            "com.acme.Order",
            "com.acme.Order.items",
            "com.acme.Order##NaturalId",
            "default-update-timestamps-region",
            "default-query-results-region"),
        List.copyOf(settings.cacheNames()));
    assertEquals(2, settings.forCache("com.acme.Order").getHistory());
    assertEquals(3, settings.forCache("com.acme.Order.items").getHistory());
    assertEquals(4, settings.forCache("com.acme.Order##NaturalId").getHistory());
    assertEquals(5, settings.forCache("default-update-timestamps-region").getHistory());
    assertEquals(6, settings.forCache("default-query-results-region").getHistory());
  }

  @Test
  void aJsonFileIsReadAsJson() {
    CacheManagerSettings settings = load("classpath:cellar/full.json");

    CellarConfiguration<Object, Object> users = settings.forCache("users");
    assertEquals(32 * MIB, users.getMaxBytes(), "a bare number counts bytes");
    assertEquals(3, users.getHistory());
    assertTrue(users.isStatisticsEnabled());
    Duration oneHour = new Duration(TimeUnit.HOURS, 1);
    assertInstanceOf(TouchedExpiryPolicy.class, expiry(users));
    assertExpiry(expiry(users), oneHour, oneHour, oneHour);
  }

  @Test
  void includesSubstitutionsAndOtherTopLevelKeysWork() {
    CacheManagerSettings settings = load("classpath:cellar/with-include.conf");

    assertEquals(8, settings.defaults().getHistory(), "from the included file");
    assertTrue(settings.defaults().isStatisticsEnabled(), "'on' is a boolean");
    assertEquals(512 * MIB, settings.forCache("big").getMaxBytes(), "${sizes.big}");
    assertEquals(
        CellarConfiguration.DEFAULT_MAX_BYTES,
        settings.forCache("small").getMaxBytes(),
        "an unset ${?VARIABLE} leaves the key out");
  }

  @ParameterizedTest
  @CsvSource({"cellar:default", "cellar:tenant-a", "classpath:cellar/empty-section.conf"})
  void noFileOrAnEmptySectionGivesTheBuiltInDefaults(String uri) {
    CacheManagerSettings settings = load(uri);

    assertTrue(settings.cacheNames().isEmpty());
    assertBuiltInDefaults(settings.defaults());
    assertBuiltInDefaults(settings.forCache("anything"));
  }

  static void assertBuiltInDefaults(CellarConfiguration<?, ?> configuration) {
    CellarConfiguration<Object, Object> fresh = new CellarConfiguration<>();
    assertEquals(CellarConfiguration.DEFAULT_MAX_BYTES, configuration.getMaxBytes());
    assertEquals(fresh.getHistory(), configuration.getHistory());
    assertEquals(fresh.isStatisticsEnabled(), configuration.isStatisticsEnabled());
    assertEquals(fresh.isManagementEnabled(), configuration.isManagementEnabled());
    assertInstanceOf(EternalExpiryPolicy.class, configuration.getExpiryPolicyFactory().create());
  }
}
