package dev.cellar.examples.spring;

import static dev.cellar.examples.spring.BookService.BOOKS;
import static dev.cellar.examples.spring.BookService.RATINGS;
import static dev.cellar.examples.spring.BookService.STOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SharedMetricRegistries;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cellar.CellarConfiguration;
import dev.cellar.jcache.CellarCachingProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.RequestEntity;
import org.springframework.http.ResponseEntity;

/**
 * Starts the bookstore (with its web server on a random port) and checks what Spring's cache
 * annotations do over Cellar: how often method bodies run, what the Cellar caches hold, expiry from
 * {@code cellar.conf}, and the statistics seen through JMX, Micrometer and the actuator.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BookstoreCachingTest {
  private static final String EFFECTIVE_JAVA = "978-0134685991";
  private static final String CONCURRENCY = "978-0321349606";
  private static final String SPRING = "978-1617294945";
  private static final String UNKNOWN = "978-0000000000";

  private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

  @Autowired private BookService books;
  @Autowired private CacheManager jcache;
  @Autowired private org.springframework.cache.CacheManager springCaches;
  @Autowired private MeterRegistry meters;
  @Autowired private TestRestTemplate http;
  @Autowired private Environment environment;

  /** Every test starts with empty caches, zero statistics and zero invocation counts. */
  @BeforeEach
  void startClean() throws Exception {
    books.resetCounts();
    for (String name : jcache.getCacheNames()) {
      jcache.getCache(name).clear();
      jmx.invoke(statisticsName(name), "clear", null, null);
    }
  }

  @Test
  void cachesAreTheOnesDeclaredInCellarConfFoundThroughTheServiceLoader() {
    assertNull(environment.getProperty("spring.cache.jcache.provider"));
    assertInstanceOf(CellarCachingProvider.class, jcache.getCachingProvider());
    // Spring resolved classpath:cellar.conf and handed Cellar the file's URI.
    URI uri = jcache.getURI();
    assertEquals("file", uri.getScheme());
    assertTrue(uri.getPath().endsWith("/cellar.conf"), uri.toString());

    Set<String> declared = Set.of(BOOKS, RATINGS, STOCK);
    assertEquals(declared, names(jcache.getCacheNames()));
    assertEquals(declared, Set.copyOf(springCaches.getCacheNames()));

    assertEquals(16L << 20, cellarConfiguration(BOOKS).getMaxBytes());
    assertEquals(8L << 20, cellarConfiguration(RATINGS).getMaxBytes());
    for (String name : declared) {
      assertTrue(cellarConfiguration(name).isStatisticsEnabled(), name);
    }
  }

  @Test
  void cacheableBodyRunsOncePerKeyForRepeatedCalls() {
    Book first = books.find(EFFECTIVE_JAVA);
    for (int i = 0; i < 4; i++) {
      assertEquals(first, books.find(EFFECTIVE_JAVA));
    }
    assertEquals(1, books.catalogueLookups(EFFECTIVE_JAVA));
    assertEquals(first, bookCache().get(EFFECTIVE_JAVA));

    Book other = books.find(CONCURRENCY);
    assertEquals(other, books.find(CONCURRENCY));
    assertEquals(1, books.catalogueLookups(CONCURRENCY));
    assertEquals(1, books.catalogueLookups(EFFECTIVE_JAVA));

    // A body that throws caches nothing: it runs again on the next call.
    assertThrows(UnknownBookException.class, () -> books.find(UNKNOWN));
    assertThrows(UnknownBookException.class, () -> books.find(UNKNOWN));
    assertEquals(2, books.catalogueLookups(UNKNOWN));
    assertFalse(bookCache().containsKey(UNKNOWN));
  }

  @Test
  void cachePutReplacesTheCachedValueWithoutALookup() {
    Book before = books.find(CONCURRENCY);
    try {
      Book repriced = books.reprice(CONCURRENCY, new BigDecimal("9.99"));
      assertEquals(new Book(CONCURRENCY, before.title(), new BigDecimal("9.99")), repriced);
      assertEquals(repriced, bookCache().get(CONCURRENCY));
      assertEquals(repriced, books.find(CONCURRENCY));
      assertEquals(1, books.catalogueLookups(CONCURRENCY));

      // A key that was not cached yet is cached by the put alone.
      Book spring = books.reprice(SPRING, new BigDecimal("10.00"));
      assertEquals(spring, books.find(SPRING));
      assertEquals(0, books.catalogueLookups(SPRING));
    } finally {
      books.reprice(CONCURRENCY, before.price());
      books.reprice(SPRING, new BigDecimal("39.99"));
    }
  }

  @Test
  void cacheEvictMakesTheNextCallRunTheBody() {
    books.find(EFFECTIVE_JAVA);
    books.find(CONCURRENCY);

    books.forget(EFFECTIVE_JAVA);
    assertFalse(bookCache().containsKey(EFFECTIVE_JAVA));
    assertTrue(bookCache().containsKey(CONCURRENCY));
    books.find(EFFECTIVE_JAVA);
    books.find(CONCURRENCY);
    assertEquals(2, books.catalogueLookups(EFFECTIVE_JAVA));
    assertEquals(1, books.catalogueLookups(CONCURRENCY));

    books.forgetAll();
    assertFalse(bookCache().containsKey(EFFECTIVE_JAVA));
    assertFalse(bookCache().containsKey(CONCURRENCY));
    books.find(EFFECTIVE_JAVA);
    books.find(CONCURRENCY);
    assertEquals(3, books.catalogueLookups(EFFECTIVE_JAVA));
    assertEquals(2, books.catalogueLookups(CONCURRENCY));
  }

  @Test
  void syncCacheableRunsTheBodyExactlyOncePerKeyUnderConcurrentCalls() throws Exception {
    int threads = 16;
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      keys.add("sync-" + i);
    }
    // Half the threads walk the keys from the first, half from the middle: eight threads ask for
    // the same uncached key at the same moment, while the other eight do so for another key.
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Map<String, Integer>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t % 2 == 0 ? 0 : keys.size() / 2;
        results.add(
            pool.submit(
                () -> {
                  Map<String, Integer> seen = new TreeMap<>();
                  start.await(30, TimeUnit.SECONDS);
                  for (int i = 0; i < keys.size(); i++) {
                    String key = keys.get((i + offset) % keys.size());
                    seen.put(key, books.rating(key));
                  }
                  return seen;
                }));
      }
      Map<String, Integer> expected = new TreeMap<>();
      for (String key : keys) {
        expected.put(key, BookService.expectedRating(key));
      }
      for (Future<Map<String, Integer>> result : results) {
        assertEquals(expected, result.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    Cache<Object, Object> ratings = jcache.getCache(RATINGS);
    for (String key : keys) {
      assertEquals(1, books.ratingComputations(key), key);
      assertEquals(BookService.expectedRating(key), ratings.get(key), key);
    }
  }

  @Test
  void stockEntriesExpireOneSecondAfterCreationAsCellarConfSays() throws Exception {
    ExpiryPolicy policy = cellarConfiguration(STOCK).getExpiryPolicyFactory().create();
    assertInstanceOf(CreatedExpiryPolicy.class, policy);
    assertEquals(new Duration(TimeUnit.SECONDS, 1), policy.getExpiryForCreation());

    // Cellar's clock is the system clock. An entry stored by a call that ran from `storedFrom` to
    // `storedTo` expires at a moment between storedFrom + 1 s and storedTo + 1 s. So a call that
    // finds it cached must have started before storedTo + 1 s, and a call that has to check the
    // warehouse again must have ended after storedFrom + 1 s. Polling through two expiries checks
    // both ways without depending on how fast this machine is.
    String isbn = EFFECTIVE_JAVA;
    int expected = BookService.expectedStock(isbn);
    long storedFrom = System.currentTimeMillis();
    assertEquals(expected, books.stock(isbn));
    long storedTo = System.currentTimeMillis();
    assertEquals(1, books.stockChecks(isbn));
    long deadline = System.currentTimeMillis() + 60_000;
    while (books.stockChecks(isbn) < 3) {
      assertTrue(System.currentTimeMillis() < deadline, "no expiry within 60 s");
      int checksBefore = books.stockChecks(isbn);
      long callFrom = System.currentTimeMillis();
      assertEquals(expected, books.stock(isbn));
      long callTo = System.currentTimeMillis();
      int checks = books.stockChecks(isbn);
      if (checks == checksBefore) {
        assertTrue(
            callFrom <= storedTo + 1000,
            "cached value served " + (callFrom - storedTo) + " ms after it was stored");
      } else {
        assertEquals(checksBefore + 1, checks);
        assertTrue(
            callTo >= storedFrom + 1000,
            "cached value gone " + (callTo - storedFrom) + " ms after it was stored");
        storedFrom = callFrom;
        storedTo = callTo;
      }
      Thread.sleep(50);
    }
    assertEquals(3, books.stockChecks(isbn));
  }

  @Test
  void statisticsAreExactThroughTheStandardJmxBeanAndTheDropwizardRegistry() throws Exception {
    readBooksThreeHitsTwoMisses();
    books.forget(EFFECTIVE_JAVA);

    ObjectName name = statisticsName(BOOKS);
    assertEquals(3L, jmx.getAttribute(name, "CacheHits"));
    assertEquals(2L, jmx.getAttribute(name, "CacheMisses"));
    assertEquals(5L, jmx.getAttribute(name, "CacheGets"));
    assertEquals(2L, jmx.getAttribute(name, "CachePuts"));
    assertEquals(1L, jmx.getAttribute(name, "CacheRemovals"));
    assertEquals(0L, jmx.getAttribute(name, "CacheEvictions"));
    assertEquals(60.0f, (Float) jmx.getAttribute(name, "CacheHitPercentage"), 0.001f);

    // cellar.metrics.registry = "bookstore" in cellar.conf: the same counters, as Dropwizard
    // gauges.
    MetricRegistry registry = SharedMetricRegistries.getOrCreate("bookstore");
    assertEquals(3L, registry.getGauges().get("books.hits").getValue());
    assertEquals(2L, registry.getGauges().get("books.misses").getValue());
    assertEquals(2L, registry.getGauges().get("books.puts").getValue());
  }

  @Test
  void statisticsAreExactThroughMicrometerAndTheActuatorMetricsEndpoint() {
    readBooksThreeHitsTwoMisses();

    assertEquals(3.0, gets(BOOKS, "hit"));
    assertEquals(2.0, gets(BOOKS, "miss"));
    assertEquals(2.0, meters.get("cache.puts").tag("cache", BOOKS).functionCounter().count());
    assertEquals(0.0, gets(RATINGS, "hit"));

    assertEquals(3.0, actuatorCount("/actuator/metrics/cache.gets?tag=cache:books&tag=result:hit"));
    assertEquals(
        2.0, actuatorCount("/actuator/metrics/cache.gets?tag=cache:books&tag=result:miss"));
    assertEquals(2.0, actuatorCount("/actuator/metrics/cache.puts?tag=cache:books"));
  }

  @Test
  void restEndpointsAnswerFromTheCaches() {
    ResponseEntity<Book> first = http.getForEntity("/books/{isbn}", Book.class, EFFECTIVE_JAVA);
    ResponseEntity<Book> second = http.getForEntity("/books/{isbn}", Book.class, EFFECTIVE_JAVA);
    assertEquals(HttpStatus.OK, first.getStatusCode());
    assertEquals(HttpStatus.OK, second.getStatusCode());
    assertEquals(
        new Book(EFFECTIVE_JAVA, "Effective Java", new BigDecimal("45.00")), second.getBody());
    assertEquals(first.getBody(), second.getBody());
    assertEquals(1, books.catalogueLookups(EFFECTIVE_JAVA));

    assertEquals(
        HttpStatus.NOT_FOUND,
        http.getForEntity("/books/{isbn}", String.class, UNKNOWN).getStatusCode());

    for (int i = 0; i < 3; i++) {
      assertEquals(
          BookService.expectedRating(SPRING),
          http.getForObject("/books/{isbn}/rating", Integer.class, SPRING));
      assertEquals(
          BookService.expectedStock(SPRING),
          http.getForObject("/books/{isbn}/stock", Integer.class, SPRING));
    }
    assertEquals(1, books.ratingComputations(SPRING));

    try {
      ResponseEntity<Book> repriced =
          http.exchange(
              RequestEntity.put("/books/{isbn}/price", EFFECTIVE_JAVA)
                  .contentType(MediaType.APPLICATION_JSON)
                  .body(new BigDecimal("12.50")),
              Book.class);
      assertEquals(HttpStatus.OK, repriced.getStatusCode());
      Book expected = new Book(EFFECTIVE_JAVA, "Effective Java", new BigDecimal("12.50"));
      assertEquals(expected, repriced.getBody());
      assertEquals(expected, http.getForObject("/books/{isbn}", Book.class, EFFECTIVE_JAVA));
      assertEquals(1, books.catalogueLookups(EFFECTIVE_JAVA));
    } finally {
      books.reprice(EFFECTIVE_JAVA, new BigDecimal("45.00"));
    }
  }

  /** Three hits and two misses on the books cache, two puts, two catalogue lookups. */
  private void readBooksThreeHitsTwoMisses() {
    for (int i = 0; i < 3; i++) {
      books.find(EFFECTIVE_JAVA);
    }
    for (int i = 0; i < 2; i++) {
      books.find(CONCURRENCY);
    }
    assertEquals(1, books.catalogueLookups(EFFECTIVE_JAVA));
    assertEquals(1, books.catalogueLookups(CONCURRENCY));
  }

  private double gets(String cache, String result) {
    return meters
        .get("cache.gets")
        .tag("cache", cache)
        .tag("result", result)
        .functionCounter()
        .count();
  }

  private double actuatorCount(String path) {
    JsonNode metric = http.getForObject(path, JsonNode.class);
    assertEquals("COUNT", metric.at("/measurements/0/statistic").asText(), metric.toString());
    return metric.at("/measurements/0/value").asDouble();
  }

  /**
   * The standard name {@code javax.cache:type=CacheStatistics,CacheManager=<uri>,Cache=<name>},
   * with the characters object names reserve turned into dots.
   */
  private ObjectName statisticsName(String cache) throws Exception {
    String manager = jcache.getURI().toString().replaceAll("[,:=\"*?\\n\\r]", ".");
    return new ObjectName(
        "javax.cache:type=CacheStatistics,CacheManager=" + manager + ",Cache=" + cache);
  }

  private Cache<Object, Object> bookCache() {
    return jcache.getCache(BOOKS);
  }

  @SuppressWarnings("unchecked")
  private CellarConfiguration<Object, Object> cellarConfiguration(String cache) {
    return jcache.getCache(cache).getConfiguration(CellarConfiguration.class);
  }

  private static Set<String> names(Iterable<String> names) {
    Set<String> set = new HashSet<>();
    names.forEach(set::add);
    return set;
  }
}
