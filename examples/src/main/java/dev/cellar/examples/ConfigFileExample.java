package dev.cellar.examples;

import dev.cellar.CellarConfiguration;
import java.io.PrintStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;

/**
 * Declarative configuration: the cache manager's URI, {@code classpath:cellar-example.conf}, names
 * a HOCON file on the class path; the caches it declares exist as soon as the manager does, with
 * their settings, and caches created in code take the file's defaults for what their configuration
 * does not say.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples -am verify
 * -Dexample=ConfigFileExample}.
 */
public final class ConfigFileExample {
  /** The file, found with the class loader given to {@code getCacheManager}. */
  public static final URI CONFIG = URI.create("classpath:cellar-example.conf");

  private ConfigFileExample() {}

  /** Runs the example and prints what it does. */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the example, printing to {@code out}; returns each cache's settings as the provider
   * applied them, by cache name.
   */
  public static Map<String, String> run(PrintStream out) {
    CacheManager manager =
        Caching.getCachingProvider()
            .getCacheManager(CONFIG, ConfigFileExample.class.getClassLoader());
    try {
      out.println("cache manager " + manager.getURI());
      Map<String, String> settings = new LinkedHashMap<>();
      for (String name : names(manager)) {
        settings.put(name, describe(manager.getCache(name)));
      }
      out.println("declared in the file:");
      settings.forEach((name, described) -> out.println("  " + name + ": " + described));

      Cache<String, String> users = manager.getCache("users");
      users.put("alice", "admin");
      out.println("users: put alice, get alice -> " + users.get("alice"));

      // A MutableConfiguration left as new made it (apart from its types), as Hibernate and
      // Spring create caches on demand, takes everything from the file's defaults.
      Cache<String, String> audit =
          manager.createCache(
              "audit",
              new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      settings.put("audit", describe(audit));
      // One that states something keeps all it states (statistics off included) and takes only
      // the byte budget and history, which JCache cannot state, from the defaults.
      Cache<String, String> drafts =
          manager.createCache(
              "drafts",
              new MutableConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(Duration.FIVE_MINUTES)));
      settings.put("drafts", describe(drafts));
      out.println("created in code:");
      out.println("  audit: " + settings.get("audit"));
      out.println("  drafts: " + settings.get("drafts"));
      return settings;
    } finally {
      manager.close();
    }
  }

  private static TreeSet<String> names(CacheManager manager) {
    TreeSet<String> names = new TreeSet<>();
    manager.getCacheNames().forEach(names::add);
    return names;
  }

  @SuppressWarnings("unchecked")
  private static String describe(Cache<?, ?> cache) {
    CellarConfiguration<Object, Object> configuration =
        ((Cache<Object, Object>) cache).getConfiguration(CellarConfiguration.class);
    ExpiryPolicy expiry = configuration.getExpiryPolicyFactory().create();
    Duration creation = expiry.getExpiryForCreation();
    String lifetime =
        creation.isEternal()
            ? "eternal"
            : expiry.getClass().getSimpleName()
                + " "
                + java.time.Duration.of(
                    creation.getDurationAmount(), creation.getTimeUnit().toChronoUnit());
    return "max-bytes "
        + (configuration.getMaxBytes() >> 20)
        + " MiB, history "
        + configuration.getHistory()
        + ", statistics "
        + configuration.isStatisticsEnabled()
        + ", expiry "
        + lifetime;
  }
}
