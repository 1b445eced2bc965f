package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.management.CellarCacheMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Set;
import java.util.TreeSet;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cellar's own per-cache MXBean in the platform MBean server: name, live figures, lifecycle. */
class CellarCacheBeanTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
  private static final String MANAGER = "cellar.bean-test"; // cellar:bean-test, ':' made safe

  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:bean-test"), getClass().getClassLoader());
  }

  @AfterEach
  void closeManagerAndCheckNothingIsLeft() throws JMException {
    manager.close();
    assertEquals(Set.of(), beans(), "beans left after the manager closed");
  }

  private static ObjectName name(String cachePart) throws JMException {
    return new ObjectName("dev.cellar:type=Cache,CacheManager=" + MANAGER + ",Cache=" + cachePart);
  }

  private static Set<String> beans() throws JMException {
    Set<String> names = new TreeSet<>();
    for (ObjectName found :
        SERVER.queryNames(new ObjectName("dev.cellar:CacheManager=" + MANAGER + ",*"), null)) {
      names.add(found.getCanonicalName());
    }
    return names;
  }

  private Cache<String, Long> create(String name) {
    // management off: Cellar's bean does not depend on it
    return manager.createCache(
        name, new CellarConfiguration<String, Long>().setTypes(String.class, Long.class));
  }

  @Test
  void figuresAfterAKnownSequence() throws JMException {
    Cache<String, Long> cache = create("figures");
    cache.put("a", 1L);
    cache.put("b", 2L);
    cache.remove("b");
    CellarCacheMXBean bean = JMX.newMXBeanProxy(SERVER, name("figures"), CellarCacheMXBean.class);
    OffHeapBucket engine = cache.unwrap(OffHeapBucket.class);

    assertEquals(1, bean.getEntries());
    assertEquals(engine.recordCount(), bean.getRecords());
    assertEquals(3, bean.getRevision());
    assertEquals(64L << 20, bean.getMaxBytes());
    assertEquals(16, bean.getSegments());
    assertEquals(engine.maxRecordLength(), bean.getMaxEntryBytes());
    assertEquals(16, SERVER.getAttribute(name("figures"), "Segments"));
    assertEquals(engine.bytesInUse(), bean.getBytesInUse());
    assertEquals(engine.bytesReserved(), bean.getBytesReserved());
    assertTrue(bean.getBytesInUse() > 0);
    assertEquals(0, bean.getEvictions());
    assertEquals(0, bean.getExpirations());
    assertEquals(0, bean.getOpenWatchers());
    assertEquals(0, bean.getMaxWatcherLag());
    assertEquals(0, bean.getForgottenMarkerBytes());
    assertEquals(3L, SERVER.getAttribute(name("figures"), "Revision"));
  }

  @Test
  void aClosedBeanReadsZero() {
    Cache<String, Long> cache = create("closed");
    cache.put("a", 1L);
    CellarCacheMXBean bean =
        new dev.cellar.internal.management.CellarCacheBean(
            cache.unwrap(OffHeapBucket.class),
            cache.unwrap(dev.cellar.internal.bucket.CacheBucket.class),
            () -> 0L,
            () -> 0L);
    cache.close();
    assertEquals(0, bean.getEntries());
    assertEquals(0, bean.getRecords());
    assertEquals(0, bean.getRevision());
    assertEquals(0, bean.getBytesInUse());
    assertEquals(0, bean.getBytesReserved());
    assertEquals(0, bean.getEvictions());
    assertEquals(0, bean.getExpirations());
    assertEquals(0, bean.getMaxWatcherLag());
    assertEquals(0, bean.getForgottenMarkerBytes());
    assertEquals(64L << 20, bean.getMaxBytes());
    assertEquals(16, bean.getSegments());
  }

  @Test
  void registeredOnCreationAndReleasedOnCloseAndDestroy() throws JMException {
    create("closing");
    create("destroyed");
    create("odd:name,with=chars");
    assertEquals(
        Set.of(
            name("closing").getCanonicalName(),
            name("destroyed").getCanonicalName(),
            name("odd.name.with.chars").getCanonicalName()),
        beans());

    manager.getCache("closing", String.class, Long.class).close();
    assertFalse(SERVER.isRegistered(name("closing")));
    manager.destroyCache("destroyed");
    assertFalse(SERVER.isRegistered(name("destroyed")));
    assertTrue(SERVER.isRegistered(name("odd.name.with.chars"))); // until the manager closes
  }
}
