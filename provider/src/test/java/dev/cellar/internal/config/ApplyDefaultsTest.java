package dev.cellar.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.Test;

/** What a cache created in code takes from the file's defaults (full.conf: 32 MiB, history 2). */
class ApplyDefaultsTest {
  private static final long MIB = 1L << 20;

  private final CacheManagerSettings settings =
      CacheManagerSettings.load(
          URI.create("classpath:cellar/full.conf"), ApplyDefaultsTest.class.getClassLoader());

  private static ExpiryPolicy expiry(CellarConfiguration<?, ?> configuration) {
    return configuration.getExpiryPolicyFactory().create();
  }

  @Test
  void aCellarConfigurationIsCopiedAsItIs() {
    CellarConfiguration<String, Integer> given =
        new CellarConfiguration<String, Integer>()
            .setTypes(String.class, Integer.class)
            .setMaxBytes(8 * MIB)
            .setHistory(5);

    CellarConfiguration<String, Integer> applied = settings.applyDefaults(given);

    assertNotSame(given, applied);
    assertEquals(given, applied);
    assertEquals(8 * MIB, applied.getMaxBytes());
    assertEquals(5, applied.getHistory());
    assertFalse(applied.isStatisticsEnabled(), "the file's statistics = true does not apply");
  }

  @Test
  void aMutableConfigurationKeepsWhatItStatesAndTakesCellarSettingsFromTheDefaults() {
    MutableCacheEntryListenerConfiguration<String, Integer> listener =
        new MutableCacheEntryListenerConfiguration<>(
            () -> (CacheEntryCreatedListener<String, Integer>) events -> {}, null, false, true);
    MutableConfiguration<String, Integer> given =
        new MutableConfiguration<String, Integer>()
            .setTypes(String.class, Integer.class)
            .setManagementEnabled(true)
            .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE))
            .addCacheEntryListenerConfiguration(listener);

    CellarConfiguration<String, Integer> applied = settings.applyDefaults(given);

    assertEquals(32 * MIB, applied.getMaxBytes());
    assertEquals(2, applied.getHistory());
    assertEquals(String.class, applied.getKeyType());
    assertEquals(Integer.class, applied.getValueType());
    assertFalse(applied.isStatisticsEnabled(), "stated by the MutableConfiguration");
    assertTrue(applied.isManagementEnabled());
    assertInstanceOf(CreatedExpiryPolicy.class, expiry(applied));
    assertSame(listener, applied.getCacheEntryListenerConfigurations().iterator().next());
  }

  @Test
  void anUntouchedMutableConfigurationTakesEverythingFromTheDefaults() {
    // As Hibernate's on-the-fly regions and Spring's cache-names create them: nothing stated.
    CellarConfiguration<String, Long> applied =
        settings.applyDefaults(
            new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));

    assertEquals(32 * MIB, applied.getMaxBytes());
    assertEquals(2, applied.getHistory());
    assertEquals(String.class, applied.getKeyType());
    assertEquals(Long.class, applied.getValueType());
    assertTrue(applied.isStatisticsEnabled(), "from the file's defaults");
    assertInstanceOf(AccessedExpiryPolicy.class, expiry(applied));
    assertEquals(new Duration(TimeUnit.SECONDS, 30), expiry(applied).getExpiryForAccess());
  }

  @Test
  void aMutableConfigurationChangedInAnyWayKeepsWhatItStates() {
    CellarConfiguration<Object, Object> applied =
        settings.applyDefaults(
            new MutableConfiguration<>()
                .setStatisticsEnabled(false)
                .setReadThrough(false)
                .setManagementEnabled(true));

    assertEquals(32 * MIB, applied.getMaxBytes());
    assertFalse(applied.isStatisticsEnabled());
    assertTrue(applied.isManagementEnabled());
    assertInstanceOf(EternalExpiryPolicy.class, expiry(applied));
  }

  @Test
  void aBareConfigurationTakesOnlyItsTypesAndStoreByValueFromItself() {
    Configuration<String, Long> given =
        new Configuration<>() {
          @Override
          public Class<String> getKeyType() {
            return String.class;
          }

          @Override
          public Class<Long> getValueType() {
            return Long.class;
          }

          @Override
          public boolean isStoreByValue() {
            return false;
          }
        };

    CellarConfiguration<String, Long> applied = settings.applyDefaults(given);

    assertEquals(String.class, applied.getKeyType());
    assertEquals(Long.class, applied.getValueType());
    assertFalse(applied.isStoreByValue());
    assertEquals(32 * MIB, applied.getMaxBytes());
    assertEquals(2, applied.getHistory());
    assertTrue(applied.isStatisticsEnabled());
    assertFalse(applied.isManagementEnabled());
    Duration thirtySeconds = new Duration(TimeUnit.SECONDS, 30);
    assertInstanceOf(AccessedExpiryPolicy.class, expiry(applied));
    assertEquals(thirtySeconds, expiry(applied).getExpiryForCreation());
  }
}
