package dev.cellar.examples;

import dev.cellar.CellarConfiguration;
import dev.cellar.jcache.CellarCache;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The near tier: decoded values of hot keys kept on the heap in front of the off-heap store, for
 * immutable types only (here a record declared immutable), coherent with every write.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples -am verify
 * -Dexample=NearTierExample}.
 */
public final class NearTierExample {
  private NearTierExample() {}

  /** A price: a record whose components never change, so it may be declared immutable. */
  public record Price(String currency, BigDecimal amount) implements java.io.Serializable {}

  /**
   * What the example saw.
   *
   * @param nearHits reads the near tier served
   * @param hits all hits in the statistics, near ones included
   * @param sameInstance whether two reads of a held value returned the same object
   * @param afterUpdate the value read right after an update
   */
  public record Seen(long nearHits, long hits, boolean sameInstance, Price afterUpdate) {}

  /** Runs the example and prints what it does. */
  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}. */
  @SuppressWarnings("ReferenceEquality") // the point is that both reads return one object
  public static Seen run(PrintStream out) {
    CacheManager manager =
        Caching.getCachingProvider().getCacheManager(URI.create("cellar:near-tier-example"), null);
    try {
      Cache<String, Price> prices =
          manager.createCache(
              "prices",
              new CellarConfiguration<String, Price>()
                  .setTypes(String.class, Price.class)
                  .setNearCacheSize(1_000) // hot values on the heap, at most 1,000
                  .setImmutableTypes(Price.class) // String keys are immutable already
                  .setStatisticsEnabled(true));
      prices.put("tea", new Price("EUR", new BigDecimal("3.50")));
      Price first = prices.get("tea"); // decoded from off-heap, then held
      Price second = prices.get("tea"); // from the near tier: no lookup, no decoding
      // Identity on purpose: the near tier hands every reader the one instance it holds.
      boolean same = first == second;
      out.println("get tea twice -> " + second + ", same instance: " + same);

      prices.put("tea", new Price("EUR", new BigDecimal("3.80"))); // invalidates the held value
      Price updated = prices.get("tea");
      out.println("after the update -> " + updated);
      prices.get("tea");

      CellarCache<?, ?> cellar = prices.unwrap(CellarCache.class);
      long nearHits = cellar.nearHits();
      long hits = cellar.statistics().getCacheHits();
      out.println("near hits " + nearHits + " of " + hits + " hits");
      return new Seen(nearHits, hits, same, updated);
    } finally {
      manager.close();
    }
  }
}
