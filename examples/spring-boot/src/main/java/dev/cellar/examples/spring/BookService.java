package dev.cellar.examples.spring;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The bookstore's lookups, each cached in a cache that {@code cellar.conf} declares. Every method
 * body counts how often it runs, per ISBN, so that callers (and the tests) can see when the cache
 * answered instead.
 */
@Service
public class BookService {
  /** The cache of catalogue entries, by ISBN. */
  public static final String BOOKS = "books";

  /** The cache of ratings, by ISBN; filled atomically ({@code sync = true}). */
  public static final String RATINGS = "ratings";

  /** The cache of stock levels, by ISBN; {@code cellar.conf} lets an entry live one second. */
  public static final String STOCK = "stock";

  private final Map<String, Book> catalogue = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> catalogueLookups = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> ratingComputations = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> stockChecks = new ConcurrentHashMap<>();
  private final Duration ratingLatency;

  /**
   * A service over a small built-in catalogue.
   *
   * @param ratingLatency how long computing one rating takes ({@code bookstore.rating-latency}),
   *     standing in for a slow remote call
   */
  public BookService(@Value("${bookstore.rating-latency:0ms}") Duration ratingLatency) {
    this.ratingLatency = ratingLatency;
    add(new Book("978-0134685991", "Effective Java", new BigDecimal("45.00")));
    add(new Book("978-0321349606", "Java Concurrency in Practice", new BigDecimal("52.00")));
    add(new Book("978-1617294945", "Spring in Action", new BigDecimal("39.99")));
  }

  private void add(Book book) {
    catalogue.put(book.isbn(), book);
  }

  /**
   * The catalogue entry for {@code isbn}; cached, so the catalogue is read once per ISBN until the
   * entry is replaced or evicted.
   *
   * @throws UnknownBookException if the catalogue has no such book (nothing is cached then)
   */
  @Cacheable(BOOKS)
  public Book find(String isbn) {
    count(catalogueLookups, isbn);
    Book book = catalogue.get(isbn);
    if (book == null) {
      throw new UnknownBookException(isbn);
    }
    return book;
  }

  /**
   * Changes the price of {@code isbn} in the catalogue and puts the new entry in the cache, so the
   * next {@link #find} answers it without reading the catalogue.
   *
   * @return the repriced book
   * @throws UnknownBookException if the catalogue has no such book
   */
  @CachePut(cacheNames = BOOKS, key = "#isbn")
  public Book reprice(String isbn, BigDecimal price) {
    Book book = catalogue.computeIfPresent(isbn, (key, old) -> new Book(key, old.title(), price));
    if (book == null) {
      throw new UnknownBookException(isbn);
    }
    return book;
  }

  /** Drops the cached entry of {@code isbn}, so the next {@link #find} reads the catalogue. */
  @CacheEvict(BOOKS)
  public void forget(String isbn) {
    // The annotation does the work.
  }

  /** Drops every cached catalogue entry. */
  @CacheEvict(cacheNames = BOOKS, allEntries = true)
  public void forgetAll() {
    // The annotation does the work.
  }

  /**
   * The readers' rating of {@code isbn}, 1 to 5, which takes {@code bookstore.rating-latency} to
   * compute. Cached with {@code sync = true}: however many threads ask for the same ISBN at once,
   * one computes it and the others wait for its result.
   */
  @Cacheable(cacheNames = RATINGS, sync = true)
  public int rating(String isbn) {
    count(ratingComputations, isbn);
    try {
      Thread.sleep(ratingLatency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while rating " + isbn, e);
    }
    return expectedRating(isbn);
  }

  /** The rating {@link #rating} computes for {@code isbn}. */
  public static int expectedRating(String isbn) {
    return 1 + Math.floorMod(isbn.hashCode(), 5);
  }

  /**
   * The copies of {@code isbn} in the warehouse. Cached, and the cache's entries expire one second
   * after they were created ({@code cellar.conf}), so a stock level is never more than a second
   * old.
   */
  @Cacheable(STOCK)
  public int stock(String isbn) {
    count(stockChecks, isbn);
    return expectedStock(isbn);
  }

  /** The stock level {@link #stock} reports for {@code isbn}. */
  public static int expectedStock(String isbn) {
    return Math.floorMod(isbn.hashCode(), 100);
  }

  /** How many times {@link #find} read the catalogue for {@code isbn}. */
  public int catalogueLookups(String isbn) {
    return read(catalogueLookups, isbn);
  }

  /** How many times {@link #rating} computed the rating of {@code isbn}. */
  public int ratingComputations(String isbn) {
    return read(ratingComputations, isbn);
  }

  /** How many times {@link #stock} checked the warehouse for {@code isbn}. */
  public int stockChecks(String isbn) {
    return read(stockChecks, isbn);
  }

  /** Sets every invocation count back to zero (the caches keep their entries). */
  public void resetCounts() {
    catalogueLookups.clear();
    ratingComputations.clear();
    stockChecks.clear();
  }

  private static void count(Map<String, AtomicInteger> counts, String isbn) {
    counts.computeIfAbsent(isbn, key -> new AtomicInteger()).incrementAndGet();
  }

  private static int read(Map<String, AtomicInteger> counts, String isbn) {
    AtomicInteger count = counts.get(isbn);
    return count == null ? 0 : count.get();
  }
}
