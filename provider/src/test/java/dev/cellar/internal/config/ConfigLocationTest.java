package dev.cellar.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The URIs a cache manager may be given, and where each finds its file. */
class ConfigLocationTest {
  private static final ClassLoader LOADER = ConfigLocationTest.class.getClassLoader();

  @TempDir Path dir;

  private static CacheManagerSettings load(URI uri, ClassLoader loader) {
    return CacheManagerSettings.load(uri, loader);
  }

  private static byte[] fullExample() throws IOException {
    try (InputStream in = LOADER.getResourceAsStream("cellar/full.conf")) {
      return in.readAllBytes();
    }
  }

  /** The users cache of full.conf has 256 MiB: proof the file was read. */
  private static void assertFullExample(CacheManagerSettings settings) {
    assertEquals(256L << 20, settings.forCache("users").getMaxBytes());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"classpath:cellar/full.conf", "classpath:/cellar/full.conf", "cellar/full.conf"})
  void aClasspathUriOrABareNameIsAResourceOfTheClassLoader(String uri) {
    assertFullExample(load(URI.create(uri), LOADER));
  }

  @Test
  void aFileUriIsReadFromTheFileSystem() throws IOException {
    Path file = Files.write(dir.resolve("cellar.conf"), fullExample());

    assertFullExample(load(file.toUri(), LOADER));
  }

  @Test
  void aJarUriIsReadFromTheJar() throws IOException {
    // What Spring passes on for classpath:cellar.conf when the application runs from a jar.
    Path jar = dir.resolve("app.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out)) {
      jarOut.putNextEntry(new JarEntry("config/cellar.conf"));
      jarOut.write(fullExample());
      jarOut.closeEntry();
    }

    assertFullExample(load(URI.create("jar:" + jar.toUri() + "!/config/cellar.conf"), LOADER));
  }

  @Test
  void aClasspathUriUsesTheManagersClassLoaderNotTheProviders() throws IOException {
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Files.write(classes.resolve("only-here.conf"), fullExample());
    URI uri = URI.create("classpath:only-here.conf");

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      assertFullExample(load(uri, loader));
    }
    CacheException e = assertThrows(CacheException.class, () -> load(uri, LOADER));
    assertEquals(
        "Cellar configuration classpath:only-here.conf not found: no resource \"only-here.conf\""
            + " on the class path",
        e.getMessage());
  }

  @Test
  void cellarUrisLookForNoFileAtAll() throws IOException {
    // A loader that finds nothing: the default URI must not need one.
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      CacheManagerSettings settings = load(ConfigLocation.DEFAULT_URI, empty);

      assertTrue(settings.cacheNames().isEmpty());
      CacheManagerSettingsTest.assertBuiltInDefaults(settings.defaults());
    }
    assertEquals("cellar:default", ConfigLocation.DEFAULT_URI.toString());
  }

  @Test
  void theDefaultUriReadsTheFileTheSystemPropertyNames() throws IOException {
    Path file = Files.createTempFile("default", ".conf");
    String before = System.getProperty(ConfigLocation.DEFAULT_CONFIG_PROPERTY);
    try {
      Files.writeString(file, "cellar { defaults { history = 7 }, caches { named {} } }");
      System.setProperty(ConfigLocation.DEFAULT_CONFIG_PROPERTY, file.toUri().toString());
      CacheManagerSettings settings = load(ConfigLocation.DEFAULT_URI, LOADER);
      assertEquals(7, settings.defaults().getHistory());
      assertEquals(java.util.Set.of("named"), settings.cacheNames());
      // Only the default URI: another cellar: URI still names no file.
      assertTrue(load(URI.create("cellar:other"), LOADER).cacheNames().isEmpty());

      System.setProperty(ConfigLocation.DEFAULT_CONFIG_PROPERTY, "classpath:no-such.conf");
      CacheException e =
          assertThrows(CacheException.class, () -> load(ConfigLocation.DEFAULT_URI, LOADER));
      assertEquals(
          "Cellar configuration classpath:no-such.conf not found: no resource \"no-such.conf\" on"
              + " the class path",
          e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(ConfigLocation.DEFAULT_CONFIG_PROPERTY);
      } else {
        System.setProperty(ConfigLocation.DEFAULT_CONFIG_PROPERTY, before);
      }
      Files.delete(file);
    }
  }

  @Test
  void aMissingResourceFails() {
    CacheException e =
        assertThrows(CacheException.class, () -> load(URI.create("classpath:/nope.conf"), LOADER));

    assertEquals(
        "Cellar configuration classpath:/nope.conf not found: no resource \"nope.conf\" on the"
            + " class path",
        e.getMessage());
  }

  @Test
  void aMissingFileFails() {
    Path missing = dir.resolve("missing.conf");

    CacheException e = assertThrows(CacheException.class, () -> load(missing.toUri(), LOADER));

    assertEquals(
        "Cellar configuration " + missing.toUri() + " not found: no file " + missing,
        e.getMessage());
  }

  @Test
  void aMissingEntryInAJarFails() throws IOException {
    Path jar = dir.resolve("empty.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out)) {
      jarOut.putNextEntry(new JarEntry("other.txt"));
      jarOut.closeEntry();
    }
    URI uri = URI.create("jar:" + jar.toUri() + "!/cellar.conf");

    CacheException e = assertThrows(CacheException.class, () -> load(uri, LOADER));

    assertTrue(
        e.getMessage().startsWith("Cellar configuration " + uri + " cannot be read: "),
        e.getMessage());
  }

  @Test
  void aSchemeTheJvmCannotOpenFails() {
    CacheException e =
        assertThrows(CacheException.class, () -> load(URI.create("nosuch:cellar.conf"), LOADER));

    assertEquals(
        "Cellar configuration nosuch:cellar.conf cannot be read (unknown protocol: nosuch); name a"
            + " file with a classpath:, file: or jar: URI, or use cellar:default for none",
        e.getMessage());
  }
}
