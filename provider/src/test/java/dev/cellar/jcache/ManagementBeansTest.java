package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import dev.cellar.internal.management.MBeans;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standard cache MXBeans in the platform MBean server: names, live attributes, lifecycle. */
class ManagementBeansTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
  private static final String MANAGER = "cellar.jmx-test"; // cellar:jmx-test, ':' made safe

  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:jmx-test"), getClass().getClassLoader());
  }

  @AfterEach
  void closeManagerAndCheckNothingIsLeft() throws JMException {
    manager.close();
    assertEquals(Set.of(), beansOf(MANAGER), "beans left after the manager closed");
  }

  private static ObjectName name(String type, String managerPart, String cachePart)
      throws JMException {
    return new ObjectName(
        "javax.cache:type=" + type + ",CacheManager=" + managerPart + ",Cache=" + cachePart);
  }

  private static ObjectName statistics(String cachePart) throws JMException {
    return name("CacheStatistics", MANAGER, cachePart);
  }

  private static ObjectName configuration(String cachePart) throws JMException {
    return name("CacheConfiguration", MANAGER, cachePart);
  }

  private static Set<String> beansOf(String managerPart) throws JMException {
    Set<String> names = new TreeSet<>();
    for (ObjectName found :
        SERVER.queryNames(new ObjectName("javax.cache:CacheManager=" + managerPart + ",*"), null)) {
      names.add(found.getCanonicalName());
    }
    return names;
  }

  private Cache<String, Long> create(String name, boolean statistics, boolean management) {
    return manager.createCache(
        name,
        new CellarConfiguration<String, Long>()
            .setTypes(String.class, Long.class)
            .setStatisticsEnabled(statistics)
            .setManagementEnabled(management));
  }

  /** Hits, misses, gets, puts, removals, evictions as the MBean server reports them. */
  private static List<Object> counts(ObjectName name) throws JMException {
    return List.of(
        SERVER.getAttribute(name, "CacheHits"),
        SERVER.getAttribute(name, "CacheMisses"),
        SERVER.getAttribute(name, "CacheGets"),
        SERVER.getAttribute(name, "CachePuts"),
        SERVER.getAttribute(name, "CacheRemovals"),
        SERVER.getAttribute(name, "CacheEvictions"));
  }

  @Test
  void theBeansAreRegisteredUnderTheStandardNamesWithLiveAttributes() throws JMException {
    Cache<String, Long> cache = create("orders", true, true);
    ObjectName statistics = statistics("orders");
    ObjectName configuration = configuration("orders");
    assertEquals(
        new TreeSet<>(Set.of(statistics.getCanonicalName(), configuration.getCanonicalName())),
        beansOf(MANAGER));

    cache.put("a", 1L);
    cache.put("b", 2L);
    assertEquals(1L, cache.get("a"));
    assertNull(cache.get("zz"));
    assertTrue(cache.remove("a"));

    assertEquals(List.of(1L, 1L, 2L, 2L, 1L, 0L), counts(statistics));
    assertEquals(50.0f, SERVER.getAttribute(statistics, "CacheHitPercentage"));
    assertEquals(50.0f, SERVER.getAttribute(statistics, "CacheMissPercentage"));

    assertEquals("java.lang.String", SERVER.getAttribute(configuration, "KeyType"));
    assertEquals("java.lang.Long", SERVER.getAttribute(configuration, "ValueType"));
    assertEquals(true, SERVER.getAttribute(configuration, "StatisticsEnabled"));
    assertEquals(true, SERVER.getAttribute(configuration, "ManagementEnabled"));
    assertEquals(true, SERVER.getAttribute(configuration, "StoreByValue"));
    assertEquals(false, SERVER.getAttribute(configuration, "ReadThrough"));
    assertEquals(false, SERVER.getAttribute(configuration, "WriteThrough"));
  }

  @Test
  void clearingTheStatisticsWorksEveryTimeItIsCalled() throws JMException {
    Cache<String, Long> cache = create("cleared", true, false);
    ObjectName statistics = statistics("cleared");
    List<Object> zero = List.of(0L, 0L, 0L, 0L, 0L, 0L);

    for (int round = 1; round <= 4; round++) {
      for (int i = 0; i < round; i++) {
        cache.put("k" + i, (long) i);
      }
      for (int i = 0; i < round; i++) {
        cache.get("k" + i);
      }
      cache.get("missing");
      cache.remove("k0");
      long r = round;
      assertEquals(List.of(r, 1L, r + 1, r, 1L, 0L), counts(statistics), "round " + round);

      if (round % 2 == 0) {
        SERVER.invoke(statistics, "clear", new Object[0], new String[0]);
      } else {
        cache.unwrap(CellarCache.class).statistics().clear();
      }
      assertEquals(zero, counts(statistics), "after clear in round " + round);
      SERVER.invoke(statistics, "clear", new Object[0], new String[0]);
      assertEquals(zero, counts(statistics), "after a second clear in round " + round);
      assertEquals(0.0f, SERVER.getAttribute(statistics, "AverageGetTime"));
      assertEquals(0.0f, SERVER.getAttribute(statistics, "AveragePutTime"));
      assertEquals(0.0f, SERVER.getAttribute(statistics, "AverageRemoveTime"));
    }
  }

  @Test
  void enablingAndDisablingRegistersAndUnregisters() throws JMException {
    create("toggled", true, true);
    ObjectName statistics = statistics("toggled");
    ObjectName configuration = configuration("toggled");

    manager.enableStatistics("toggled", false);
    assertFalse(SERVER.isRegistered(statistics));
    assertTrue(SERVER.isRegistered(configuration));
    assertEquals(false, SERVER.getAttribute(configuration, "StatisticsEnabled"));

    manager.enableManagement("toggled", false);
    assertFalse(SERVER.isRegistered(configuration));
    assertEquals(Set.of(), beansOf(MANAGER));

    manager.enableStatistics("toggled", true);
    manager.enableManagement("toggled", true);
    assertTrue(SERVER.isRegistered(statistics));
    assertTrue(SERVER.isRegistered(configuration));
    assertEquals(true, SERVER.getAttribute(configuration, "StatisticsEnabled"));
    assertEquals(true, SERVER.getAttribute(configuration, "ManagementEnabled"));
  }

  @Test
  void closingDestroyingAndClosingTheManagerUnregister() throws JMException {
    Cache<String, Long> closed = create("closed", true, true);
    create("destroyed", true, true);
    create("kept", true, true);
    assertEquals(6, beansOf(MANAGER).size());

    closed.close();
    assertFalse(SERVER.isRegistered(statistics("closed")));
    assertFalse(SERVER.isRegistered(configuration("closed")));

    manager.destroyCache("destroyed");
    assertFalse(SERVER.isRegistered(statistics("destroyed")));
    assertFalse(SERVER.isRegistered(configuration("destroyed")));

    assertEquals(
        new TreeSet<>(
            Set.of(
                statistics("kept").getCanonicalName(), configuration("kept").getCanonicalName())),
        beansOf(MANAGER));
    manager.close();
    assertEquals(Set.of(), beansOf(MANAGER));
  }

  @Test
  void reservedCharactersInTheManagerUriAndCacheNameAreReplaced() throws JMException {
    CacheManager odd =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:jmx,odd=uri"), getClass().getClassLoader());
    try {
      Cache<String, Long> cache =
          odd.createCache(
              "a,b:c=d\"e*f?g",
              new CellarConfiguration<String, Long>()
                  .setTypes(String.class, Long.class)
                  .setStatisticsEnabled(true)
                  .setManagementEnabled(true));
      cache.put("x", 1L);
      ObjectName statistics = name("CacheStatistics", "cellar.jmx.odd.uri", "a.b.c.d.e.f.g");
      ObjectName configuration = name("CacheConfiguration", "cellar.jmx.odd.uri", "a.b.c.d.e.f.g");
      assertEquals(
          new TreeSet<>(Set.of(statistics.getCanonicalName(), configuration.getCanonicalName())),
          beansOf("cellar.jmx.odd.uri"));
      assertEquals(1L, SERVER.getAttribute(statistics, "CachePuts"));
      cache.close();
      assertEquals(Set.of(), beansOf("cellar.jmx.odd.uri"));
    } finally {
      odd.close();
    }
  }

  @Test
  void aSecondManagerOfTheSameUriNeverTakesTheFirstOnesBeans() throws JMException {
    Cache<String, Long> first = create("shared", true, true);
    first.put("a", 1L);
    first.get("a");
    ClassLoader other = new ClassLoader(getClass().getClassLoader()) {};
    CacheManager twin =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:jmx-test"), other);
    List<String> warnings = new ArrayList<>();
    Logger logger = Logger.getLogger(MBeans.class.getName());
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord entry) {
            warnings.add(entry.getLevel() + " " + entry.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    Cache<String, Long> second;
    try {
      second =
          twin.createCache(
              "shared",
              new CellarConfiguration<String, Long>()
                  .setTypes(String.class, Long.class)
                  .setStatisticsEnabled(true)
                  .setManagementEnabled(true));
    } finally {
      logger.removeHandler(handler);
    }
    // Each of the two standard beans, and Cellar's own, is refused with a warning that names it.
    assertEquals(3, warnings.size(), warnings.toString());
    for (String warning : warnings) {
      assertTrue(warning.startsWith("WARNING the MBean name "), warning);
      assertTrue(warning.endsWith("this cache's bean is not registered"), warning);
    }
    assertTrue(warnings.get(0).contains("Cache=shared"), warnings.get(0));
    second.get("a");
    second.get("b");

    // Same standard names: the first manager's beans answer, with its own counts.
    assertEquals(1L, SERVER.getAttribute(statistics("shared"), "CacheHits"));
    assertEquals(0L, SERVER.getAttribute(statistics("shared"), "CacheMisses"));

    twin.close();

    assertTrue(SERVER.isRegistered(statistics("shared")), "first manager's statistics bean");
    assertTrue(SERVER.isRegistered(configuration("shared")), "first manager's configuration bean");
    assertEquals(1L, SERVER.getAttribute(statistics("shared"), "CacheHits"));
    first.get("a");
    assertEquals(2L, SERVER.getAttribute(statistics("shared"), "CacheHits"));
    first.close();
    assertFalse(SERVER.isRegistered(statistics("shared")));
    assertFalse(SERVER.isRegistered(configuration("shared")));
  }
}
