package dev.cellar.internal.management;

import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers a cache's MXBeans in the platform MBean server under the standard names {@code
 * javax.cache:type=<type>,CacheManager=<uri>,Cache=<name>}, with the characters that object names
 * reserve ({@code , : = "} and line breaks) replaced by dots, as the reference implementation does.
 */
public final class MBeans {
  /** The standard statistics bean type. */
  public static final String STATISTICS = "CacheStatistics";

  /** The standard configuration bean type. */
  public static final String CONFIGURATION = "CacheConfiguration";

  /** The domain of Cellar's own beans. */
  public static final String CELLAR_DOMAIN = "dev.cellar";

  /** The type of Cellar's own per-cache bean, {@code dev.cellar.management.CellarCacheMXBean}. */
  public static final String CELLAR_CACHE = "Cache";

  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private MBeans() {}

  /** The object name of a bean of {@code type} for the cache {@code cacheName} of a manager. */
  public static ObjectName name(String type, URI managerUri, String cacheName) {
    return name("javax.cache", type, managerUri, cacheName);
  }

  /**
   * The object name of a bean of {@code type} in {@code domain} for the cache {@code cacheName},
   * sanitized as the standard names are.
   */
  public static ObjectName name(String domain, String type, URI managerUri, String cacheName) {
    String text =
        domain
            + ":type="
            + type
            + ",CacheManager="
            + safe(managerUri.toString())
            + ",Cache="
            + safe(cacheName);
    try {
      return new ObjectName(text);
    } catch (MalformedObjectNameException e) {
      throw new CacheException("cannot name the MBean " + text, e);
    }
  }

  /** Registers {@code bean} under {@code name} unless something already is. */
  public static void register(ObjectName name, Object bean) {
    try {
      if (!SERVER.isRegistered(name)) {
        SERVER.registerMBean(bean, name);
      }
    } catch (InstanceAlreadyExistsException e) {
      // Another thread registered the same cache's bean first: the outcome is what we wanted.
    } catch (Exception e) {
      throw new CacheException("cannot register the MBean " + name + ": " + e.getMessage(), e);
    }
  }

  /** Unregisters whatever is under {@code name}; nothing if nothing is. */
  public static void unregister(ObjectName name) {
    try {
      if (SERVER.isRegistered(name)) {
        SERVER.unregisterMBean(name);
      }
    } catch (InstanceNotFoundException e) {
      // Already gone: the outcome is what we wanted.
    } catch (Exception e) {
      throw new CacheException("cannot unregister the MBean " + name + ": " + e.getMessage(), e);
    }
  }

  private static String safe(String text) {
    return text.replaceAll("[,:=\"\\n\\r*?]", ".");
  }
}
