package dev.cellar.internal.management;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
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

  /**
   * The bean each name was registered for by this class. The standard names hold no class loader,
   * so two managers with the same URI under different class loaders compute the same names: the
   * second one's bean is not registered, and closing it must not take away the first one's.
   */
  private static final ConcurrentHashMap<ObjectName, Object> OWNERS = new ConcurrentHashMap<>();

  private static final Logger LOGGER = Logger.getLogger(MBeans.class.getName());

  private MBeans() {}

  private static void warnTaken(ObjectName name) {
    // Not an error (the RI throws): a second manager with the same URI, or cache names equal once
    // sanitized, must still be able to open; but whoever reads JMX should know which one it sees.
    LOGGER.warning(
        () ->
            "the MBean name "
                + name
                + " is taken (another manager with the same URI, or a cache name that is the same"
                + " once sanitized); this cache's bean is not registered");
  }

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

  /**
   * Registers {@code bean} under {@code name} unless something already is; true if {@code bean} is
   * now the one registered there (it may have been already).
   */
  public static synchronized boolean register(ObjectName name, Object bean) {
    if (OWNERS.get(name) == bean) {
      return true;
    }
    try {
      if (SERVER.isRegistered(name)) {
        warnTaken(name);
        return false;
      }
      SERVER.registerMBean(bean, name);
      OWNERS.put(name, bean);
      return true;
    } catch (InstanceAlreadyExistsException e) {
      // Someone outside this class registered the name meanwhile: it stays theirs.
      warnTaken(name);
      return false;
    } catch (Exception e) {
      throw new CacheException("cannot register the MBean " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Unregisters {@code name} if {@code bean} is what {@link #register} put there; a bean that
   * another cache (or anyone else) registered under the same name stays.
   */
  public static synchronized void unregister(ObjectName name, Object bean) {
    if (!OWNERS.remove(name, bean)) {
      return;
    }
    try {
      SERVER.unregisterMBean(name);
    } catch (InstanceNotFoundException e) {
      // Someone unregistered it behind our back: the outcome is what we wanted.
    } catch (Exception e) {
      throw new CacheException("cannot unregister the MBean " + name + ": " + e.getMessage(), e);
    }
  }

  private static String safe(String text) {
    return text.replaceAll("[,:=\"\\n\\r*?]", ".");
  }
}
