package dev.cellar.internal.config;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;

/**
 * Where a cache manager's URI points: a configuration file or, for Cellar's own {@code cellar:}
 * URIs, no file at all.
 *
 * <ul>
 *   <li>{@code cellar:default} ({@link #DEFAULT_URI}) names the file that the system property
 *       {@value #DEFAULT_CONFIG_PROPERTY} gives (a URI of the kinds below), and none when it is not
 *       set: the manager then gets the built-in defaults. Any other {@code cellar:} URI names no
 *       file. Distinct {@code cellar:} URIs still give distinct managers.
 *   <li>{@code classpath:cellar.conf} or {@code classpath:/cellar.conf} names a resource of the
 *       manager's class loader. A URI without a scheme ({@code cellar.conf}) means the same, as it
 *       does in Hibernate's {@code hibernate.javax.cache.uri}.
 *   <li>{@code file:}, {@code jar:} and any other URL scheme the JVM can open name the file itself;
 *       this is what Spring's {@code spring.cache.jcache.config} and Hibernate pass on.
 * </ul>
 */
public final class ConfigLocation {
  /** The provider's default URI: no configuration file, every cache gets the built-in defaults. */
  public static final URI DEFAULT_URI = URI.create("cellar:default");

  /**
   * The system property naming the configuration file of the default cache manager, so that
   * programs which only ever call {@code getCacheManager()} can still be configured.
   */
  public static final String DEFAULT_CONFIG_PROPERTY = "cellar.config";

  private static final String CELLAR_SCHEME = "cellar";
  private static final String CLASSPATH_SCHEME = "classpath";
  private static final String FILE_SCHEME = "file";

  private ConfigLocation() {}

  /**
   * The URL of the file that {@code uri} names, or {@code null} for a {@code cellar:} URI, which
   * names none.
   *
   * @throws CacheException if {@code uri} names a resource or file that does not exist, or a scheme
   *     the JVM cannot open
   */
  static @Nullable URL resolve(URI uri, ClassLoader classLoader) {
    String scheme = uri.getScheme();
    if (scheme == null) {
      return classpathResource(uri, uri.getSchemeSpecificPart(), classLoader);
    }
    if (scheme.equalsIgnoreCase(CELLAR_SCHEME)) {
      return uri.equals(DEFAULT_URI) ? defaultFile(classLoader) : null;
    }
    if (scheme.equalsIgnoreCase(CLASSPATH_SCHEME)) {
      return classpathResource(uri, uri.getSchemeSpecificPart(), classLoader);
    }
    if (scheme.equalsIgnoreCase(FILE_SCHEME)) {
      requireFile(uri);
    }
    try {
      return uri.toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new CacheException(
          "Cellar configuration "
              + uri
              + " cannot be read ("
              + e.getMessage()
              + "); name a file with a classpath:, file: or jar: URI, or use "
              + DEFAULT_URI
              + " for none",
          e);
    }
  }

  private static @Nullable URL defaultFile(ClassLoader classLoader) {
    String named = System.getProperty(DEFAULT_CONFIG_PROPERTY);
    if (named == null || named.isBlank()) {
      return null;
    }
    URI file;
    try {
      file = new URI(named.trim());
    } catch (URISyntaxException e) {
      throw new CacheException(
          "the system property "
              + DEFAULT_CONFIG_PROPERTY
              + " = "
              + named
              + " is not a URI; name a file such as classpath:cellar.conf or file:/etc/cellar.conf",
          e);
    }
    if (CELLAR_SCHEME.equalsIgnoreCase(file.getScheme())) {
      return null;
    }
    return resolve(file, classLoader);
  }

  private static URL classpathResource(URI uri, String path, ClassLoader classLoader) {
    // Class loaders take resource names without a leading '/', unlike Class.getResource.
    String name = path.replaceFirst("^/+", "");
    URL url = name.isEmpty() ? null : classLoader.getResource(name);
    if (url == null) {
      throw new CacheException(
          "Cellar configuration "
              + uri
              + " not found: no resource \""
              + name
              + "\" on the class path");
    }
    return url;
  }

  /** Says "not found" plainly rather than through the parser's I/O error. */
  private static void requireFile(URI uri) {
    Path path;
    try {
      path = Path.of(uri);
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      return; // An unusual file: URI (with an authority, say): let the URL connection judge it.
    }
    if (!Files.isRegularFile(path)) {
      throw new CacheException("Cellar configuration " + uri + " not found: no file " + path);
    }
  }
}
