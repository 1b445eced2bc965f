package dev.cellar.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cellar.BucketStatus;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regions the Cellar file declares carry its per-region settings; regions Hibernate creates on
 * demand get the file's defaults, with statistics off and no expiry.
 */
class RegionSettingsTest {
  private static SessionFactory factory;
  private static CacheManager manager;

  @BeforeAll
  static void open() {
    factory = Library.open("region-settings-test");
    manager = Regions.manager(factory);
  }

  @AfterAll
  static void close() {
    factory.close();
  }

  @Test
  void managerIsTheFileHibernateResolved() {
    assertEquals("file", manager.getURI().getScheme());
    assertEquals(
        "cellar-hibernate.conf",
        manager.getURI().getPath().substring(manager.getURI().getPath().lastIndexOf('/') + 1));
  }

  @Test
  void declaredRegionsTakeTheirSettingsFromTheFile() {
    assertRegion(Library.AUTHOR_REGION, 16, true, CreatedExpiryPolicy.class, 10 * 60);
    assertRegion(Library.BOOKS_REGION, 8, true, AccessedExpiryPolicy.class, 30 * 60);
    assertRegion(Library.NATURAL_ID_REGION, 4, false, EternalExpiryPolicy.class, -1);
    assertRegion(Library.QUERY_REGION, 8, false, CreatedExpiryPolicy.class, 5 * 60);
    assertRegion(Library.TIMESTAMPS_REGION, 4, false, EternalExpiryPolicy.class, -1);
  }

  @Test
  void undeclaredRegionsAreCreatedOnDemandWithTheDefaults() {
    assertRegion(Library.BOOK_REGION, 8, false, EternalExpiryPolicy.class, -1);
    assertRegion(Book.TAGS_REGION, 8, false, EternalExpiryPolicy.class, -1);
  }

  /** {@code seconds} is the creation expiry, or -1 for eternal. */
  private static void assertRegion(
      String region,
      long maxMiB,
      boolean statistics,
      Class<? extends ExpiryPolicy> policy,
      long seconds) {
    BucketStatus status = Regions.status(manager, region);
    assertEquals(maxMiB << 20, status.maxBytes(), region);
    assertEquals(1, status.history(), region);
    CompleteConfiguration<?, ?> configuration =
        Regions.cache(manager, region).getConfiguration(CompleteConfiguration.class);
    assertEquals(statistics, configuration.isStatisticsEnabled(), region);
    ExpiryPolicy expiry = configuration.getExpiryPolicyFactory().create();
    assertInstanceOf(policy, expiry, region);
    Duration duration = expiry.getExpiryForCreation();
    long actual =
        duration.isEternal()
            ? -1
            : TimeUnit.SECONDS.convert(duration.getDurationAmount(), duration.getTimeUnit());
    assertEquals(seconds, actual, region);
  }
}
