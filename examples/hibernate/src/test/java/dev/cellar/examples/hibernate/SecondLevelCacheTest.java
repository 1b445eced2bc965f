package dev.cellar.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Objects;
import org.hibernate.SessionFactory;
import org.hibernate.stat.CacheRegionStatistics;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hibernate's second-level and query caches in Cellar, proved with Hibernate's statistics: every
 * test starts with every region empty and the counters at zero, and reads its own rows.
 */
class SecondLevelCacheTest {
  private static final String BOOKS_ROLE = "dev.cellar.examples.hibernate.Author.books";
  private static final String AUTHOR = "dev.cellar.examples.hibernate.Author";

  private static SessionFactory factory;
  private static Statistics statistics;
  private static long ada;
  private static long grace;
  private static long edsger;
  private static long barbara;
  private static long notes;

  @BeforeAll
  static void openAndFill() {
    factory = Library.open("second-level-cache-test");
    statistics = factory.getStatistics();
    factory.inTransaction(
        session -> {
          Author lovelace = new Author("ada@example.org", "Ada Lovelace");
          Author hopper = new Author("grace@example.org", "Grace Hopper");
          Author dijkstra = new Author("edsger@example.org", "Edsger Dijkstra");
          Author liskov = new Author("barbara@example.org", "Barbara Liskov");
          List.of(lovelace, hopper, dijkstra, liskov).forEach(session::persist);
          Book notesBook = new Book("Notes", lovelace, "math", "engines");
          session.persist(notesBook);
          session.persist(new Book("Sketch", lovelace, "translation"));
          session.persist(new Book("Compilers", hopper, "cobol"));
          session.persist(new Book("Data Abstraction", liskov, "types"));
          ada = Objects.requireNonNull(lovelace.getId());
          grace = Objects.requireNonNull(hopper.getId());
          edsger = Objects.requireNonNull(dijkstra.getId());
          barbara = Objects.requireNonNull(liskov.getId());
          notes = Objects.requireNonNull(notesBook.getId());
        });
  }

  @AfterAll
  static void close() {
    factory.close();
  }

  @BeforeEach
  void coldCacheAndZeroCounters() {
    factory.getCache().evictAllRegions();
    statistics.clear();
  }

  @Test
  void entityMissesInOneSessionAndHitsInTheNext() {
    assertEquals("Ada Lovelace", nameOf(ada));
    assertEquals(0, statistics.getSecondLevelCacheHitCount());
    assertEquals(1, statistics.getSecondLevelCacheMissCount());
    assertEquals(1, statistics.getSecondLevelCachePutCount());
    assertEquals(1, statistics.getPrepareStatementCount(), "read from the database");
    assertEquals(1, Regions.entries(factory, Library.AUTHOR_REGION), "one author in Cellar");

    assertEquals("Ada Lovelace", nameOf(ada));
    assertEquals(1, statistics.getSecondLevelCacheHitCount());
    assertEquals(1, statistics.getSecondLevelCacheMissCount());
    assertEquals(1, statistics.getSecondLevelCachePutCount());
    assertEquals(1, statistics.getPrepareStatementCount(), "no SQL for the cached author");
    assertEquals(1, statistics.getEntityStatistics(AUTHOR).getCacheHitCount());
    assertCounts(statistics.getDomainDataRegionStatistics(Library.AUTHOR_REGION), 1, 1, 1);
  }

  @Test
  void collectionMissesInOneSessionAndHitsInTheNext() {
    assertEquals(List.of("Notes", "Sketch"), titlesOf(ada));
    assertEquals(1, statistics.getCollectionStatistics(BOOKS_ROLE).getCacheMissCount());
    assertEquals(1, statistics.getCollectionStatistics(BOOKS_ROLE).getCachePutCount());
    long statements = statistics.getPrepareStatementCount();

    assertEquals(List.of("Notes", "Sketch"), titlesOf(ada));
    assertEquals(1, statistics.getCollectionStatistics(BOOKS_ROLE).getCacheHitCount());
    assertEquals(1, statistics.getCollectionStatistics(BOOKS_ROLE).getCacheMissCount());
    assertEquals(1, statistics.getCollectionStatistics(BOOKS_ROLE).getCachePutCount());
    assertCounts(statistics.getDomainDataRegionStatistics(Library.BOOKS_REGION), 1, 1, 1);
    // The author, her collection and both books came from the cache: no SQL at all.
    assertEquals(statements, statistics.getPrepareStatementCount());
    assertCounts(statistics.getDomainDataRegionStatistics(Library.BOOK_REGION), 2, 0, 2);
  }

  @Test
  void collectionInARegionNamedWithHashHits() {
    assertEquals(List.of("engines", "math"), tagsOf(notes));
    assertCounts(statistics.getDomainDataRegionStatistics(Book.TAGS_REGION), 0, 1, 1);
    assertEquals(1, Regions.entries(factory, Book.TAGS_REGION));
    long statements = statistics.getPrepareStatementCount();

    assertEquals(List.of("engines", "math"), tagsOf(notes));
    assertCounts(statistics.getDomainDataRegionStatistics(Book.TAGS_REGION), 1, 1, 1);
    assertEquals(statements, statistics.getPrepareStatementCount());
  }

  @Test
  void naturalIdMissesInOneSessionAndHitsInTheNext() {
    assertEquals("Barbara Liskov", nameByEmail("barbara@example.org"));
    assertEquals(0, statistics.getNaturalIdCacheHitCount());
    assertEquals(1, statistics.getNaturalIdCacheMissCount());
    assertEquals(1, statistics.getNaturalIdQueryExecutionCount(), "resolved in the database");
    long puts = statistics.getNaturalIdCachePutCount();
    assertEquals(1, Regions.entries(factory, Library.NATURAL_ID_REGION));
    long statements = statistics.getPrepareStatementCount();

    assertEquals("Barbara Liskov", nameByEmail("barbara@example.org"));
    assertEquals(1, statistics.getNaturalIdCacheHitCount());
    assertEquals(1, statistics.getNaturalIdCacheMissCount());
    assertEquals(puts, statistics.getNaturalIdCachePutCount());
    assertEquals(1, statistics.getNaturalIdQueryExecutionCount(), "no second resolution query");
    assertEquals(statements, statistics.getPrepareStatementCount(), "id and author both cached");
    assertEquals(
        1, statistics.getDomainDataRegionStatistics(Library.NATURAL_ID_REGION).getHitCount());
  }

  @Test
  void cachedQueryMissesOnceThenHits() {
    String query = "select b from Book b where b.author.email = :email order by b.title";
    assertEquals(List.of("Notes", "Sketch"), cachedQuery(query, "ada@example.org"));
    assertEquals(0, statistics.getQueryCacheHitCount());
    assertEquals(1, statistics.getQueryCacheMissCount());
    assertEquals(1, statistics.getQueryCachePutCount());
    long statements = statistics.getPrepareStatementCount();

    assertEquals(List.of("Notes", "Sketch"), cachedQuery(query, "ada@example.org"));
    assertEquals(List.of("Notes", "Sketch"), cachedQuery(query, "ada@example.org"));
    assertEquals(2, statistics.getQueryCacheHitCount());
    assertEquals(1, statistics.getQueryCacheMissCount());
    assertEquals(1, statistics.getQueryCachePutCount());
    assertEquals(2, statistics.getQueryStatistics(query).getCacheHitCount());
    assertCounts(statistics.getQueryRegionStatistics(Library.QUERY_REGION), 2, 1, 1);
    // The ids came from the query cache, the books from the entity cache.
    assertEquals(statements, statistics.getPrepareStatementCount());

    // Another parameter is another cache key.
    assertEquals(List.of("Compilers"), cachedQuery(query, "grace@example.org"));
    assertEquals(2, statistics.getQueryCacheMissCount());
    assertEquals(2, Regions.entries(factory, Library.QUERY_REGION));
  }

  @Test
  void writeToAQueriedTableMakesTheCachedQueryStale() {
    String query = "select b.title from Book b where b.author.email = :email order by b.title";
    assertEquals(List.of("Data Abstraction"), cachedTitles(query, "barbara@example.org"));
    assertEquals(List.of("Data Abstraction"), cachedTitles(query, "barbara@example.org"));
    assertEquals(1, statistics.getQueryCacheHitCount());

    factory.inTransaction(
        session ->
            session.persist(new Book("Program Development", session.find(Author.class, barbara))));
    // The Book table's timestamp in default-update-timestamps-region is now newer than the result.
    assertEquals(
        List.of("Data Abstraction", "Program Development"),
        cachedTitles(query, "barbara@example.org"));
    assertEquals(1, statistics.getQueryCacheHitCount());
    assertEquals(2, statistics.getQueryCacheMissCount());
    assertEquals(2, statistics.getQueryCachePutCount());
  }

  @Test
  void updateReplacesTheCachedState() {
    assertEquals("Grace Hopper", nameOf(grace));
    factory.inTransaction(
        session -> session.find(Author.class, grace).setName("Grace Brewster Hopper"));
    assertEquals(1, statistics.getSecondLevelCacheMissCount(), "the first read only");
    assertEquals(1, statistics.getSecondLevelCacheHitCount(), "the update read it from the cache");
    assertEquals(2, statistics.getSecondLevelCachePutCount(), "the load, then the new state");
    long statements = statistics.getPrepareStatementCount();

    assertEquals("Grace Brewster Hopper", nameOf(grace));
    assertEquals(2, statistics.getSecondLevelCacheHitCount());
    assertEquals(1, statistics.getSecondLevelCacheMissCount());
    assertEquals(
        statements, statistics.getPrepareStatementCount(), "the new name came from Cellar");
    assertCounts(statistics.getDomainDataRegionStatistics(Library.AUTHOR_REGION), 2, 1, 2);
  }

  @Test
  void bulkUpdateEvictsTheRegion() {
    assertEquals("Edsger Dijkstra", nameOf(edsger));
    assertEquals("Edsger Dijkstra", nameOf(edsger));
    assertEquals(1, statistics.getSecondLevelCacheHitCount());
    assertEquals(1, Regions.entries(factory, Library.AUTHOR_REGION));

    int updated =
        factory.fromTransaction(
            session ->
                session
                    .createMutationQuery("update Author a set a.name = :name where a.id = :id")
                    .setParameter("name", "Edsger W. Dijkstra")
                    .setParameter("id", edsger)
                    .executeUpdate());
    assertEquals(1, updated);
    assertEquals(0, Regions.entries(factory, Library.AUTHOR_REGION), "the region was cleared");
    long statements = statistics.getPrepareStatementCount();

    assertEquals("Edsger W. Dijkstra", nameOf(edsger));
    assertEquals(1, statistics.getSecondLevelCacheHitCount());
    assertEquals(2, statistics.getSecondLevelCacheMissCount(), "a miss after the bulk update");
    assertEquals(2, statistics.getSecondLevelCachePutCount());
    assertEquals(statements + 1, statistics.getPrepareStatementCount(), "read from the database");

    assertEquals("Edsger W. Dijkstra", nameOf(edsger));
    assertEquals(2, statistics.getSecondLevelCacheHitCount(), "cached again");
  }

  private static String nameOf(long id) {
    return factory.fromSession(session -> session.find(Author.class, id).getName());
  }

  private static String nameByEmail(String email) {
    return factory.fromSession(
        session -> session.bySimpleNaturalId(Author.class).load(email).getName());
  }

  private static List<String> titlesOf(long author) {
    return factory.fromSession(
        session ->
            session.find(Author.class, author).getBooks().stream().map(Book::getTitle).toList());
  }

  private static List<String> tagsOf(long book) {
    return factory.fromSession(session -> List.copyOf(session.find(Book.class, book).getTags()));
  }

  private static List<String> cachedQuery(String query, String email) {
    return factory.fromSession(
        session ->
            session
                .createSelectionQuery(query, Book.class)
                .setParameter("email", email)
                .setCacheable(true)
                .getResultList()
                .stream()
                .map(Book::getTitle)
                .toList());
  }

  private static List<String> cachedTitles(String query, String email) {
    return factory.fromSession(
        session ->
            session
                .createSelectionQuery(query, String.class)
                .setParameter("email", email)
                .setCacheable(true)
                .getResultList());
  }

  private static void assertCounts(
      CacheRegionStatistics region, long hits, long misses, long puts) {
    assertEquals(
        List.of(hits, misses, puts),
        List.of(region.getHitCount(), region.getMissCount(), region.getPutCount()),
        region.getRegionName() + ": hits, misses, puts");
  }
}
