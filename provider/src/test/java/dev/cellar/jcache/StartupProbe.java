package dev.cellar.jcache;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/** The program {@link MissingJvmFlagTest} runs in a child JVM: gets a cache, reports. */
public final class StartupProbe {
  private StartupProbe() {}

  /** Prints "OK value" when the cache works, else the failure's class and message. */
  public static void main(String[] args) {
    try {
      CacheManager manager = Caching.getCachingProvider().getCacheManager();
      Cache<String, String> cache =
          manager.createCache(
              "probe",
              new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      cache.put("k", "stored off-heap");
      System.out.println("OK " + cache.get("k"));
      manager.close();
    } catch (Throwable t) {
      System.out.println("FAILED " + t.getClass().getName());
      System.out.println("MESSAGE " + t.getMessage());
      Throwable cause = t.getCause();
      System.out.println("CAUSE " + (cause == null ? "none" : cause.getClass().getName()));
    }
  }
}
