package dev.cellar.examples;

import dev.cellar.CellarConfiguration;
import java.io.PrintStream;
import java.net.URI;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListenerFuture;
import org.jspecify.annotations.Nullable;

/**
 * Read-through and write-through: a cache in front of a "database" (a map here). A miss calls the
 * {@code CacheLoader}, and what it loads stays cached; puts and removes reach the database through
 * the {@code CacheWriter} before the cache changes; {@code loadAll} fetches rows changed behind the
 * cache's back.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples -am verify
 * -Dexample=ReadWriteThroughExample}.
 */
public final class ReadWriteThroughExample {
  private ReadWriteThroughExample() {}

  /**
   * What reached the database.
   *
   * @param loads keys the loader was asked for
   * @param writes entries the writer wrote
   * @param deletes keys the writer deleted
   * @param database the database's rows at the end
   */
  public record Outcome(int loads, int writes, int deletes, SortedMap<Integer, String> database) {}

  /** Runs the example and prints what it does. */
  public static void main(String[] args) throws InterruptedException, ExecutionException {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}; returns what reached the database. */
  public static Outcome run(PrintStream out) throws InterruptedException, ExecutionException {
    Database database = new Database(Map.of(1, "Ada", 2, "Grace"));
    CacheManager manager =
        Caching.getCachingProvider().getCacheManager(URI.create("cellar:read-write-example"), null);
    try {
      Cache<Integer, String> people =
          manager.createCache(
              "people",
              new CellarConfiguration<Integer, String>()
                  .setTypes(Integer.class, String.class)
                  .setCacheLoaderFactory(() -> database)
                  .setReadThrough(true)
                  .setCacheWriterFactory(() -> database)
                  .setWriteThrough(true));

      out.println("get 1 -> " + people.get(1) + "      (a miss: loaded)  " + database.counts());
      out.println("get 1 -> " + people.get(1) + "      (a hit)           " + database.counts());
      out.println("get 3 -> " + people.get(3) + "     (not in the database) " + database.counts());
      people.put(3, "Edsger");
      out.println("put 3 Edsger   (written through) " + database.counts());
      people.remove(2);
      out.println("remove 2       (deleted through) " + database.counts());
      out.println("database now: " + database.rows());

      database.rows.put(4, "Barbara"); // a row the cache has not seen
      CompletionListenerFuture done = new CompletionListenerFuture();
      people.loadAll(Set.of(1, 4), false, done); // false: keep what is cached already
      done.get();
      out.println("loadAll 1, 4 (1 is cached, so only 4 is loaded) " + database.counts());
      out.println("get 4 -> " + people.get(4) + "  (now cached)     " + database.counts());
      return new Outcome(
          database.loads.get(), database.writes.get(), database.deletes.get(), database.rows());
    } finally {
      manager.close();
    }
  }

  /** The system of record, as loader and writer, counting what the cache asks of it. */
  private static final class Database
      implements CacheLoader<Integer, String>, CacheWriter<Integer, String> {
    private final Map<Integer, String> rows;
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger deletes = new AtomicInteger();

    Database(Map<Integer, String> rows) {
      this.rows = new ConcurrentHashMap<>(rows);
    }

    @Override
    public @Nullable String load(Integer key) {
      loads.incrementAndGet();
      return rows.get(key); // null: nothing to cache
    }

    @Override
    public Map<Integer, String> loadAll(Iterable<? extends Integer> keys) {
      Map<Integer, String> found = new HashMap<>();
      for (Integer key : keys) {
        String value = load(key);
        if (value != null) {
          found.put(key, value);
        }
      }
      return found;
    }

    @Override
    public void write(Cache.Entry<? extends Integer, ? extends String> entry) {
      writes.incrementAndGet();
      rows.put(entry.getKey(), entry.getValue());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends Integer, ? extends String>> entries) {
      // The contract: remove each entry written, so that what is left is what failed.
      for (Iterator<Cache.Entry<? extends Integer, ? extends String>> it = entries.iterator();
          it.hasNext(); ) {
        write(it.next());
        it.remove();
      }
    }

    @Override
    public void delete(Object key) {
      deletes.incrementAndGet();
      rows.remove(key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      for (Iterator<?> it = keys.iterator(); it.hasNext(); ) {
        delete(it.next());
        it.remove();
      }
    }

    String counts() {
      return "[loads " + loads + ", writes " + writes + ", deletes " + deletes + "]";
    }

    SortedMap<Integer, String> rows() {
      return new TreeMap<>(rows);
    }
  }
}
