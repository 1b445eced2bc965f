package dev.cellar.internal.serial;

import static dev.cellar.internal.serial.SerialBytes.bytes;
import static dev.cellar.internal.serial.SerialBytes.read;
import static dev.cellar.internal.serial.SerialBytes.roundTrip;
import static dev.cellar.internal.serial.SerialBytes.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cellar.Serializer;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaSerializerTest {
  private static final ClassLoader TEST_LOADER = JavaSerializerTest.class.getClassLoader();

  private final Serializer<Object> tagged = Serializers.forType(Object.class, TEST_LOADER, null);

  record Point(int x, int y) implements Serializable {}

  record Holder(Object content) implements Serializable {}

  /** An enum of this test, which the platform class loader cannot see. */
  enum Flavor {
    SWEET,
    SOUR
  }

  /** A class that does not implement Serializable. */
  static final class Unserializable {}

  /** A chain that Java serialization writes recursively, one stack level per node. */
  static final class Node implements Serializable {
    private static final long serialVersionUID = 1L;
    final Node next;

    Node(Node next) {
      this.next = next;
    }
  }

  static final class ExplodesOnWrite implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) {
      throw new IllegalStateException("boom on write");
    }
  }

  static final class ExplodesOnRead implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) {
      throw new IllegalStateException("boom on read");
    }
  }

  /** Rejected by the JVM-wide filter that {@link #theJvmWideFilterStillApplies} installs. */
  record RejectedJvmWide(int x) implements Serializable {}

  @Test
  void serializableValuesWithoutBuiltInsUseJavaSerialization() {
    List<Object> values =
        List.of(
            new Point(1, 2),
            new Holder(new Point(3, 4)),
            new ArrayList<>(List.of("a", 1, 2L)),
            new TreeMap<>(Map.of("k", List.of(1, 2))),
            new int[] {1, 2, 3},
            Optional.class);
    for (Object value : values) {
      assertEquals(Tags.JAVA_SERIALIZATION, bytes(tagged, value)[0]);
      Object back = roundTrip(tagged, value);
      assertEquals(value.getClass(), back.getClass());
      if (value instanceof int[] ints) {
        assertArrayEquals(ints, (int[]) back);
      } else {
        assertEquals(value, back);
      }
    }
  }

  @Test
  void aNonSerializableValueFailsNamingItsClass() {
    CacheException e =
        assertThrows(CacheException.class, () -> bytes(tagged, new Unserializable()));

    assertEquals(
        "cannot serialize value of class"
            + " dev.cellar.internal.serial.JavaSerializerTest$Unserializable:"
            + " java.io.NotSerializableException:"
            + " dev.cellar.internal.serial.JavaSerializerTest$Unserializable",
        e.getMessage());
    assertInstanceOf(NotSerializableException.class, e.getCause());
  }

  @Test
  void aValueHoldingSomethingNonSerializableNamesBothClasses() {
    CacheException e =
        assertThrows(CacheException.class, () -> bytes(tagged, new Holder(new Unserializable())));

    assertEquals(
        "cannot serialize value of class dev.cellar.internal.serial.JavaSerializerTest$Holder:"
            + " java.io.NotSerializableException:"
            + " dev.cellar.internal.serial.JavaSerializerTest$Unserializable",
        e.getMessage());
  }

  @Test
  void aThrowingWriteObjectFailsNamingTheClassAndTheException() {
    CacheException e =
        assertThrows(CacheException.class, () -> bytes(tagged, new ExplodesOnWrite()));

    assertEquals(
        "cannot serialize value of class"
            + " dev.cellar.internal.serial.JavaSerializerTest$ExplodesOnWrite:"
            + " java.lang.IllegalStateException: boom on write",
        e.getMessage());
  }

  @Test
  void aValueTooDeepForTheStackFailsAsCacheException() {
    Node chain = null;
    for (int i = 0; i < 200_000; i++) {
      chain = new Node(chain);
    }
    Node deep = chain;

    CacheException e = assertThrows(CacheException.class, () -> bytes(tagged, deep));

    assertTrue(e.getMessage().endsWith("JavaSerializerTest$Node: java.lang.StackOverflowError"));
  }

  @Test
  void aThrowingReadObjectFailsAsCacheException() {
    byte[] bytes = bytes(tagged, new ExplodesOnRead());

    CacheException e = assertThrows(CacheException.class, () -> read(tagged, bytes));

    assertEquals(
        "cannot deserialize value: java.lang.IllegalStateException: boom on read", e.getMessage());
  }

  @Test
  void bytesThatAreNotAnObjectStreamFailAsCacheException() {
    CacheException e = assertThrows(CacheException.class, () -> read(tagged, unhex("7F 0001")));

    assertTrue(e.getMessage().startsWith("cannot deserialize value: java.io."), e.getMessage());
  }

  @Test
  void classesResolveWithTheGivenClassLoaderFirst(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = compile(dir)) {
      Object secret =
          loader.loadClass("hidden.Secret").getConstructor(String.class).newInstance("s3cr3t");
      Serializer<Object> withLoader = Serializers.forType(Object.class, loader, null);

      Object back = roundTrip(withLoader, secret);

      assertSame(secret.getClass(), back.getClass());
      assertEquals(secret, back);
      CacheException e = assertThrows(CacheException.class, () -> roundTrip(tagged, secret));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "cannot deserialize value: class hidden.Secret not found by the cache manager's"
                      + " class loader"),
          e.getMessage());
    }
  }

  @Test
  void enumClassesResolveWithTheGivenClassLoaderFirst(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = compile(dir)) {
      Object red = loader.loadClass("hidden.Color").getField("RED").get(null);
      Serializer<Object> withLoader = Serializers.forType(Object.class, loader, null);

      assertSame(red, roundTrip(withLoader, red));
      CacheException e = assertThrows(CacheException.class, () -> roundTrip(tagged, red));
      assertTrue(
          e.getMessage().startsWith("cannot deserialize value: enum class hidden.Color not found"),
          e.getMessage());
    }
  }

  @Test
  void classesTheGivenLoaderCannotSeeResolveAsJavaSerializationWould() {
    // The platform class loader sees the JDK but not this test's classes.
    Serializer<Object> platform =
        Serializers.forType(Object.class, ClassLoader.getPlatformClassLoader(), null);

    assertEquals(new Point(5, 6), roundTrip(platform, new Point(5, 6)));
    assertSame(Flavor.SWEET, roundTrip(platform, Flavor.SWEET));
  }

  @Test
  void theConfiguredFilterRejectsAClassNamingItAndThePattern() {
    Serializer<Object> strict = Serializers.forType(Object.class, TEST_LOADER, "java.base/*;!*");
    List<Object> allowed = new ArrayList<>(List.of("a", 1));
    assertEquals(allowed, roundTrip(strict, allowed));
    CacheException refused =
        assertThrows(CacheException.class, () -> bytes(strict, new Holder(new Point(1, 2))));
    assertTrue(refused.getMessage().contains("could not be read back"), refused.getMessage());
    // Bytes written under a filter that allows the class, as another configuration could.
    Serializer<Object> open = Serializers.forType(Object.class, TEST_LOADER, "*");
    byte[] bytes = bytes(open, new Holder(new Point(1, 2)));

    CacheException e = assertThrows(CacheException.class, () -> read(strict, bytes));

    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot deserialize value: class"
                    + " dev.cellar.internal.serial.JavaSerializerTest$Holder (depth 1,"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains(") rejected by the deserialization filter \"java.base/*;!*\""),
        e.getMessage());
    assertInstanceOf(InvalidClassException.class, e.getCause());
  }

  @Test
  void theConfiguredFilterAppliesToEnumConstants() {
    Serializer<Object> strict =
        Serializers.forType(Object.class, TEST_LOADER, "!java.util.concurrent.*");
    byte[] bytes = bytes(strict, TimeUnit.SECONDS);

    CacheException e = assertThrows(CacheException.class, () -> read(strict, bytes));

    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot deserialize value: class java.util.concurrent.TimeUnit rejected by the"
                    + " deserialization filter \"!java.util.concurrent.*\""),
        e.getMessage());
    assertSame(Thread.State.NEW, roundTrip(strict, Thread.State.NEW));
  }

  @Test
  void aMalformedFilterPatternIsRefusedUpFront() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Serializers.forType(Object.class, TEST_LOADER, "maxdepth=lots"));
  }

  @Test
  void theDefaultFilterRefusesAnArrayLongerThanItsStream() {
    byte[] bytes = bytes(tagged, new int[4]);
    // The stream ends with the array: a 4-byte length, then four 4-byte ints.
    int lengthAt = bytes.length - 4 * Integer.BYTES - Integer.BYTES;
    assertArrayEquals(unhex("00000004"), Arrays.copyOfRange(bytes, lengthAt, lengthAt + 4));
    System.arraycopy(unhex("7FFFFFF0"), 0, bytes, lengthAt, 4);

    CacheException e = assertThrows(CacheException.class, () -> read(tagged, bytes));

    assertTrue(e.getMessage().contains("class int[] (array length 2147483632,"), e.getMessage());
    assertTrue(
        e.getMessage().contains("rejected by Cellar's default deserialization limits"),
        e.getMessage());
  }

  @Test
  void theDefaultFilterBoundsNesting() {
    assertEquals(1000, DeserializationFilter.DEFAULT_MAX_DEPTH);
    Object[] atLimit = nestedArrays(1000);
    Object[] tooDeep = nestedArrays(1001);

    assertEquals(1000, depthOf((Object[]) roundTrip(tagged, atLimit)));
    CacheException refused = assertThrows(CacheException.class, () -> bytes(tagged, tooDeep));
    assertTrue(refused.getMessage().contains("could not be read back"), refused.getMessage());

    Serializer<Object> deeper = Serializers.forType(Object.class, TEST_LOADER, "maxdepth=2000");
    byte[] bytes = bytes(deeper, tooDeep);
    assertEquals(1001, depthOf((Object[]) read(deeper, bytes)));
    CacheException e = assertThrows(CacheException.class, () -> read(tagged, bytes));
    assertTrue(e.getMessage().contains("depth 1001"), e.getMessage());
  }

  @Test
  void theJvmWideFilterStillApplies() {
    assumeTrue(
        ObjectInputFilter.Config.getSerialFilter() == null, "a JVM-wide filter is already set");
    // Process-wide and settable once: it rejects only this test's own class.
    ObjectInputFilter.Config.setSerialFilter(
        ObjectInputFilter.Config.createFilter("!" + RejectedJvmWide.class.getName()));
    // A value the filter would refuse on every read is refused when it is written.
    CacheException e =
        assertThrows(CacheException.class, () -> bytes(tagged, new RejectedJvmWide(1)));
    assertTrue(
        e.getMessage().contains("or the JVM-wide filter (jdk.serialFilter)"), e.getMessage());

    Serializer<Object> permissive = Serializers.forType(Object.class, TEST_LOADER, "dev.cellar.**");
    assertThrows(CacheException.class, () -> bytes(permissive, new RejectedJvmWide(1)));
    assertEquals(new Point(1, 1), roundTrip(permissive, new Point(1, 1)));
  }

  private static Object[] nestedArrays(int depth) {
    Object[] array = new Object[0];
    for (int i = 1; i < depth; i++) {
      array = new Object[] {array};
    }
    return array;
  }

  private static int depthOf(Object[] array) {
    int depth = 1;
    while (array.length > 0) {
      array = (Object[]) array[0];
      depth++;
    }
    return depth;
  }

  /** Compiles classes that only the returned class loader can load. */
  private static URLClassLoader compile(Path dir) throws Exception {
    Path secret = dir.resolve("src/hidden/Secret.java");
    Path color = dir.resolve("src/hidden/Color.java");
    Files.createDirectories(secret.getParent());
    Files.writeString(
        secret,
        """
        package hidden;

        public final class Secret implements java.io.Serializable {
          private static final long serialVersionUID = 1L;
          private final String text;

          public Secret(String text) {
            this.text = text;
          }

          @Override
          public boolean equals(Object other) {
            return other instanceof Secret that && that.text.equals(text);
          }

          @Override
          public int hashCode() {
            return text.hashCode();
          }
        }
        """);
    Files.writeString(color, "package hidden; public enum Color { RED, GREEN }");
    Path classes = dir.resolve("classes");
    int status =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-d", classes.toString(), secret.toString(), color.toString());
    assertEquals(0, status, "javac");
    return new URLClassLoader(new URL[] {classes.toUri().toURL()}, TEST_LOADER);
  }
}
