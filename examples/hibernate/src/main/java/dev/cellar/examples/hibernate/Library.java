package dev.cellar.examples.hibernate;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * Builds the example's {@link SessionFactory}: H2 in memory, and Hibernate's second-level and query
 * caches in Cellar through {@code hibernate-jcache}.
 */
public final class Library {
  /** The Cellar configuration file that declares some of the regions, on the class path. */
  public static final String CELLAR_FILE = "classpath://cellar-hibernate.conf";

  /** The region of {@link Author} entities (declared in the Cellar file). */
  public static final String AUTHOR_REGION = "dev.cellar.examples.hibernate.Author";

  /** The region of {@link Author#getBooks()} collections (declared in the Cellar file). */
  public static final String BOOKS_REGION = "dev.cellar.examples.hibernate.Author.books";

  /** The region of {@link Author} natural ids (declared in the Cellar file). */
  public static final String NATURAL_ID_REGION = "dev.cellar.examples.hibernate.Author##NaturalId";

  /** The region of {@link Book} entities (created on demand). */
  public static final String BOOK_REGION = "dev.cellar.examples.hibernate.Book";

  /** Hibernate's region for cached query results (declared in the Cellar file). */
  public static final String QUERY_REGION = "default-query-results-region";

  /** Hibernate's region for the tables' last update times (declared in the Cellar file). */
  public static final String TIMESTAMPS_REGION = "default-update-timestamps-region";

  private Library() {}

  /**
   * The properties that put Hibernate's caches in Cellar: the JCache region factory, Cellar as its
   * provider, the Cellar file, regions the file does not declare created on demand, the query cache
   * and statistics.
   */
  public static Map<String, String> cacheSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("hibernate.cache.region.factory_class", "jcache");
    settings.put("hibernate.javax.cache.provider", "dev.cellar.jcache.CellarCachingProvider");
    settings.put("hibernate.javax.cache.uri", CELLAR_FILE);
    settings.put("hibernate.javax.cache.missing_cache_strategy", "create");
    settings.put("hibernate.cache.use_second_level_cache", "true");
    settings.put("hibernate.cache.use_query_cache", "true");
    settings.put("hibernate.generate_statistics", "true");
    return settings;
  }

  /**
   * A session factory over the in-memory H2 database {@code database}, creating its tables if they
   * do not exist. The database outlives the session factory, so a second one sees the same rows.
   */
  public static SessionFactory open(String database) {
    Configuration configuration =
        new Configuration().addAnnotatedClass(Author.class).addAnnotatedClass(Book.class);
    configuration.setProperty(
        "hibernate.connection.url", "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
    configuration.setProperty("hibernate.connection.username", "sa");
    configuration.setProperty("hibernate.connection.password", "");
    configuration.setProperty("hibernate.hbm2ddl.auto", "update");
    cacheSettings().forEach(configuration::setProperty);
    return configuration.buildSessionFactory();
  }
}
