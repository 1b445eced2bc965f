package dev.cellar.examples.hibernate;

import dev.cellar.Bucket;
import dev.cellar.BucketStatus;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.hibernate.SessionFactory;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.stat.CacheRegionStatistics;
import org.hibernate.stat.Statistics;

/**
 * Hibernate ORM with its second-level cache in Cellar: loads an author twice (a miss, then a hit),
 * her books, her natural id and a cached query, updates her, bulk-updates her, and prints what each
 * step did to Hibernate's cache statistics, then every region as Hibernate and Cellar see it.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples/hibernate -am verify}; the build
 * gives the JVM the {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} flag Cellar
 * needs.
 */
public final class HibernateExample {
  /** The author's e-mail address, her natural id. */
  static final String EMAIL = "ada@example.org";

  private HibernateExample() {}

  /**
   * The second-level cache counters after the last step.
   *
   * @param hits second-level cache hits in the entity and collection regions
   * @param misses second-level cache misses in the entity and collection regions
   * @param puts second-level cache puts in the entity and collection regions
   * @param queryHits query cache hits
   * @param naturalIdHits natural-id cache hits
   * @param lastName the author's name read last, after the bulk update
   */
  public record Summary(
      long hits, long misses, long puts, long queryHits, long naturalIdHits, String lastName) {}

  /** Runs the example and prints what it does. */
  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the example on a database of its own, printing to {@code out}. */
  public static Summary run(PrintStream out) {
    try (SessionFactory factory = Library.open("example-" + System.nanoTime())) {
      Statistics statistics = factory.getStatistics();
      long id =
          factory.fromTransaction(
              session -> {
                Author ada = new Author(EMAIL, "Ada Lovelace");
                session.persist(ada);
                session.persist(new Book("Notes on the Analytical Engine", ada, "math", "engines"));
                session.persist(new Book("Sketch of the Analytical Engine", ada, "translation"));
                return Objects.requireNonNull(ada.getId());
              });
      // Inserting put the new rows in the cache; start cold so that the first reads miss.
      factory.getCache().evictAllRegions();
      statistics.clear();
      out.println("saved author " + id + " and two books; evicted every region");

      String name = factory.fromSession(session -> session.find(Author.class, id).getName());
      step(out, statistics, "find author, cold", name);
      name = factory.fromSession(session -> session.find(Author.class, id).getName());
      step(out, statistics, "find author, new session", name);

      List<String> titles = factory.fromSession(session -> titles(session.find(Author.class, id)));
      step(out, statistics, "her books, cold", titles);
      titles = factory.fromSession(session -> titles(session.find(Author.class, id)));
      step(out, statistics, "her books, new session", titles);

      // Loading the author cached her natural id too; drop it so that the first lookup misses.
      factory.getCache().evictNaturalIdData(Author.class);
      for (String when : List.of("cold", "new session")) {
        name =
            factory.fromSession(
                session -> session.bySimpleNaturalId(Author.class).load(EMAIL).getName());
        step(out, statistics, "author by natural id, " + when, name);
      }

      for (String when : List.of("cold", "new session")) {
        List<String> found =
            factory.fromSession(
                session ->
                    session
                        .createSelectionQuery(
                            "select b.title from Book b where b.author.email = :email"
                                + " order by b.title",
                            String.class)
                        .setParameter("email", EMAIL)
                        .setCacheable(true)
                        .getResultList());
        step(out, statistics, "cached query, " + when, found);
      }

      factory.inTransaction(session -> session.find(Author.class, id).setName("Augusta Ada King"));
      step(out, statistics, "rename her: the cache takes the new state", "done");
      name = factory.fromSession(session -> session.find(Author.class, id).getName());
      step(out, statistics, "find author", name);

      factory.inTransaction(
          session ->
              session
                  .createMutationQuery("update Author a set a.name = :name where a.id = :id")
                  .setParameter("name", "Countess of Lovelace")
                  .setParameter("id", id)
                  .executeUpdate());
      step(out, statistics, "bulk update: Hibernate clears the region", "done");
      String lastName = factory.fromSession(session -> session.find(Author.class, id).getName());
      step(out, statistics, "find author", lastName);

      regions(out, factory, statistics);
      return new Summary(
          statistics.getSecondLevelCacheHitCount(),
          statistics.getSecondLevelCacheMissCount(),
          statistics.getSecondLevelCachePutCount(),
          statistics.getQueryCacheHitCount(),
          statistics.getNaturalIdCacheHitCount(),
          lastName);
    }
  }

  private static List<String> titles(Author author) {
    return author.getBooks().stream().map(Book::getTitle).toList();
  }

  private static void step(PrintStream out, Statistics statistics, String what, Object result) {
    out.println(what + " -> " + result);
    out.printf(
        Locale.ROOT,
        "    L2 hits %d, misses %d, puts %d | natural-id hits %d, misses %d"
            + " | query hits %d, misses %d%n",
        statistics.getSecondLevelCacheHitCount(),
        statistics.getSecondLevelCacheMissCount(),
        statistics.getSecondLevelCachePutCount(),
        statistics.getNaturalIdCacheHitCount(),
        statistics.getNaturalIdCacheMissCount(),
        statistics.getQueryCacheHitCount(),
        statistics.getQueryCacheMissCount());
  }

  /** Every region: Hibernate's counters, and the Cellar cache behind it. */
  private static void regions(PrintStream out, SessionFactory factory, Statistics statistics) {
    RegionFactory regionFactory = factory.getCache().unwrap(RegionFactory.class);
    CacheManager manager = ((JCacheRegionFactory) regionFactory).getCacheManager();
    out.println();
    out.printf(
        Locale.ROOT,
        "%-48s %5s %6s %5s %8s %9s%n",
        "region (Cellar cache)",
        "hits",
        "misses",
        "puts",
        "entries",
        "budget");
    for (String region : manager.getCacheNames()) {
      CacheRegionStatistics counts = statistics.getCacheRegionStatistics(region);
      Cache<Object, Object> cache = Objects.requireNonNull(manager.getCache(region));
      @SuppressWarnings("unchecked")
      BucketStatus status = cache.unwrap(Bucket.class).status();
      out.printf(
          Locale.ROOT,
          "%-48s %5d %6d %5d %8d %6d MiB%n",
          region,
          counts == null ? 0 : counts.getHitCount(),
          counts == null ? 0 : counts.getMissCount(),
          counts == null ? 0 : counts.getPutCount(),
          status.entries(),
          status.maxBytes() >> 20);
    }
  }
}
