package dev.cellar.examples;

import dev.cellar.Bucket;
import dev.cellar.BucketEntry;
import dev.cellar.CellarConfiguration;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;

/**
 * Expiry: JCache's {@code CreatedExpiryPolicy} (entries live a fixed time from creation), {@code
 * AccessedExpiryPolicy} (every read restarts the time), and a time to live per entry through the
 * bucket view, which also records the expiry in the key's history. A clock the example moves by
 * hand replaces waiting.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples -am verify
 * -Dexample=ExpiryExample}.
 */
public final class ExpiryExample {
  private ExpiryExample() {}

  /** Runs the example and prints what it does. */
  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}. */
  @SuppressWarnings("unchecked") // unwrap(Bucket.class) gives the raw type
  public static void run(PrintStream out) {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T09:00:00Z"));
    CacheManager manager =
        Caching.getCachingProvider().getCacheManager(URI.create("cellar:expiry-example"), null);
    try {
      out.println("== Created: a token lives one minute from its creation, reads or not");
      Cache<String, String> tokens =
          manager.createCache(
              "tokens",
              new CellarConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setClock(clock)
                  .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_MINUTE)));
      showOneMinuteFromCreation(out, tokens, clock, "token.alice", "t-1");

      out.println("== Accessed: a session lives 30 seconds from its last read");
      Cache<String, String> sessions =
          manager.createCache(
              "sessions",
              new CellarConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setClock(clock)
                  .setExpiryPolicyFactory(
                      AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.SECONDS, 30))));
      sessions.put("session.bob", "cart: 2 items");
      out.println(clock.instant() + " put session.bob");
      for (int seconds : new int[] {20, 20, 30}) {
        clock.advance(java.time.Duration.ofSeconds(seconds));
        out.println(clock.instant() + " get session.bob -> " + sessions.get("session.bob"));
      }

      out.println("== Per entry: a time to live through the bucket view, on an eternal cache");
      Cache<String, String> links =
          manager.createCache(
              "links",
              new CellarConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setClock(clock)
                  .setHistory(4));
      Bucket<String, String> bucket = links.unwrap(Bucket.class);
      bucket.put("link.promo", "https://example.org/sale", java.time.Duration.ofSeconds(10));
      links.put("link.home", "https://example.org/");
      out.println(clock.instant() + " put link.promo for 10 seconds, link.home for ever");
      clock.advance(java.time.Duration.ofSeconds(10));
      out.println(clock.instant() + " get link.promo -> " + links.get("link.promo"));
      out.println(clock.instant() + " get link.home  -> " + links.get("link.home"));
      out.println("history of link.promo:");
      for (BucketEntry<String, String> entry : bucket.history("link.promo")) {
        out.println("  " + entry.revision() + " " + entry.operation());
      }
    } finally {
      manager.close();
    }
  }

  /**
   * Puts {@code key} into {@code cache}, whose entries live one minute from creation, and reads it
   * 59 and 60 seconds later: the value, then null.
   */
  static void showOneMinuteFromCreation(
      PrintStream out, Cache<String, String> cache, ManualClock clock, String key, String value) {
    cache.put(key, value);
    out.println(clock.instant() + " put " + key + " (lives one minute from creation)");
    clock.advance(java.time.Duration.ofSeconds(59));
    out.println(clock.instant() + " get " + key + " -> " + cache.get(key));
    clock.advance(java.time.Duration.ofSeconds(1));
    out.println(clock.instant() + " get " + key + " -> " + cache.get(key));
  }
}
