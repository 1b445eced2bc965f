package dev.cellar.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mistake fails fast with the file, the line, the key's path and what is allowed. Each case's
 * file is written here, beside the message it must produce.
 */
class ConfigErrorsTest {
  private static final String POLICIES = "eternal, created, accessed, modified, touched";
  private static final String CACHE_KEYS =
      "max-bytes, history, statistics, management, expiry, near-cache-size, immutable-types,"
          + " forgotten-marker-bytes, segments";
  private static final String FORGOTTEN_RULE =
      "forgotten-marker-bytes must be a size, 0 or more, such as 0 or 4 MiB (heap for markers that"
          + " lagging watches have yet to read; leave it out for the default)";
  private static final String SEGMENTS_RULE =
      "segments must be a power of two from 1 to 1024, such as 4 or 64 (each segment has a write"
          + " lock and an equal share of max-bytes, and one entry may take a quarter of a share;"
          + " leave it out for one per 4 MiB, 1 to 64)";
  private static final String NEAR_RULE =
      "near-cache-size must be a whole number of entries, 0 (no near tier) or more";
  private static final String TYPES_RULE =
      "immutable-types must be a list of class names of records or enums, such as"
          + " [\"com.acme.Price\", \"com.acme.Currency\"]";
  private static final String HISTORY_RULE =
      "history must be a whole number from 1 to 64 (records kept per key, the latest included)";
  private static final String MAX_BYTES_RULE =
      "max-bytes must be a size of at least 4 MiB, such as 64 MiB or 2 GiB (MiB and GiB count in"
          + " 1024s, MB and GB in 1000s; a bare number counts bytes)";
  private static final String DURATION_RULE =
      "duration must be a positive length of time with a unit, such as 10 minutes, 30 s or 2 hours"
          + " (units ms, s, m, h, d or their long names; whole milliseconds at the finest)";

  @TempDir Path dir;

  private CacheException failure(String fileName, String content) throws IOException {
    URI uri = Files.writeString(dir.resolve(fileName), content).toUri();
    return assertThrows(
        CacheException.class,
        () -> CacheManagerSettings.load(uri, ConfigErrorsTest.class.getClassLoader()));
  }

  /** Asserts the whole message: the file, the line, then what is wrong and what is allowed. */
  private void assertMessage(String content, int line, String problem) throws IOException {
    CacheException e = failure("cellar.conf", content);
    assertEquals(
        "Invalid Cellar configuration "
            + dir.resolve("cellar.conf").toUri()
            + ", line "
            + line
            + ": "
            + problem,
        e.getMessage());
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        arguments("cellar.defaults.history = 65", "cellar.defaults.history = 65; " + HISTORY_RULE),
        arguments("cellar.defaults.history = 0", "cellar.defaults.history = 0; " + HISTORY_RULE),
        arguments(
            "cellar.defaults.history = 4.5", "cellar.defaults.history = 4.5; " + HISTORY_RULE),
        arguments(
            "cellar.defaults.history = many",
            "cellar.defaults.history = \"many\"; " + HISTORY_RULE),
        arguments(
            "cellar.defaults.history = null", "cellar.defaults.history = null; " + HISTORY_RULE),
        arguments(
            "cellar.caches.\"com.acme.Order#items\".history = 100",
            "cellar.caches.\"com.acme.Order#items\".history = 100; " + HISTORY_RULE),
        arguments(
            "cellar.defaults.max-bytes = 1 MiB",
            "cellar.defaults.max-bytes = \"1 MiB\"; " + MAX_BYTES_RULE + "; this is 1048576 bytes"),
        arguments(
            "cellar.defaults.max-bytes = 4 MB",
            "cellar.defaults.max-bytes = \"4 MB\"; " + MAX_BYTES_RULE + "; this is 4000000 bytes"),
        arguments(
            "cellar.defaults.max-bytes = 100000000 TiB",
            "cellar.defaults.max-bytes = \"100000000 TiB\"; "
                + MAX_BYTES_RULE
                + "; this is 109951162777600000000 bytes"),
        arguments(
            "cellar.defaults.max-bytes = -5 MiB",
            "cellar.defaults.max-bytes = \"-5 MiB\"; " + MAX_BYTES_RULE),
        arguments(
            "cellar.defaults.max-bytes = lots",
            "cellar.defaults.max-bytes = \"lots\"; " + MAX_BYTES_RULE),
        arguments(
            "cellar.caches.users.statistics = maybe",
            "cellar.caches.users.statistics = \"maybe\"; statistics must be true or false"),
        arguments(
            "cellar.caches.users.management = 1",
            "cellar.caches.users.management = 1; management must be true or false"),
        arguments(
            "cellar.defaults.expiry { policy = forever }",
            "cellar.defaults.expiry.policy = \"forever\"; policy must be one of " + POLICIES),
        arguments(
            "cellar.defaults.expiry { policy = 5, duration = 1 m }",
            "cellar.defaults.expiry.policy = 5; policy must be one of " + POLICIES),
        arguments(
            "cellar.defaults.expiry { duration = 1 m }",
            "cellar.defaults.expiry has no policy; expiry needs policy = one of " + POLICIES),
        arguments(
            "cellar.caches.users.expiry { policy = created }",
            "cellar.caches.users.expiry has no duration; a created policy needs one, such as"
                + " duration = 10 minutes"),
        arguments(
            "cellar.defaults.expiry { policy = eternal, duration = 1 m }",
            "cellar.defaults.expiry.duration = \"1 m\"; an eternal policy takes no duration;"
                + " remove it or choose a policy that expires"),
        arguments(
            "cellar.defaults.expiry { policy = created, duration = 600 }",
            "cellar.defaults.expiry.duration = 600; " + DURATION_RULE),
        arguments(
            "cellar.defaults.expiry { policy = created, duration = 10 parsecs }",
            "cellar.defaults.expiry.duration = \"10 parsecs\"; " + DURATION_RULE),
        arguments(
            "cellar.defaults.expiry { policy = created, duration = 0 s }",
            "cellar.defaults.expiry.duration = \"0 s\"; " + DURATION_RULE),
        arguments(
            "cellar.defaults.expiry { policy = touched, duration = 1500 us }",
            "cellar.defaults.expiry.duration = \"1500 us\"; " + DURATION_RULE),
        arguments(
            "cellar.defaults.expiry = created",
            "cellar.defaults.expiry = \"created\"; expiry must be an object: expiry { ... }"),
        arguments(
            "cellar.caches.users = 5",
            "cellar.caches.users = 5; users must be an object: users { ... }"),
        arguments(
            "cellar.caches = [users]",
            "cellar.caches = [\"users\"]; caches must be an object: caches { ... }"),
        arguments("cellar = true", "cellar = true; cellar must be an object: cellar { ... }"),
        arguments(
            "cellar.defaults.forgotten-marker-bytes = -1",
            "cellar.defaults.forgotten-marker-bytes = -1; " + FORGOTTEN_RULE),
        arguments(
            "cellar.caches.users.forgotten-marker-bytes = plenty",
            "cellar.caches.users.forgotten-marker-bytes = \"plenty\"; " + FORGOTTEN_RULE),
        arguments("cellar.defaults.segments = 0", "cellar.defaults.segments = 0; " + SEGMENTS_RULE),
        arguments(
            "cellar.caches.users.segments = 12",
            "cellar.caches.users.segments = 12; " + SEGMENTS_RULE),
        arguments(
            "cellar.caches.users.segments = 2048",
            "cellar.caches.users.segments = 2048; " + SEGMENTS_RULE),
        arguments(
            "cellar.caches.users.segments = 4.5",
            "cellar.caches.users.segments = 4.5; " + SEGMENTS_RULE),
        arguments(
            "cellar.caches.users.segments = many",
            "cellar.caches.users.segments = \"many\"; " + SEGMENTS_RULE),
        arguments(
            "cellar.defaults.near-cache-size = -1",
            "cellar.defaults.near-cache-size = -1; " + NEAR_RULE),
        arguments(
            "cellar.defaults.near-cache-size = 2.5",
            "cellar.defaults.near-cache-size = 2.5; " + NEAR_RULE),
        arguments(
            "cellar.defaults.near-cache-size = lots",
            "cellar.defaults.near-cache-size = \"lots\"; " + NEAR_RULE),
        arguments(
            "cellar.defaults.immutable-types = \"java.time.Instant\"",
            "cellar.defaults.immutable-types = \"java.time.Instant\"; " + TYPES_RULE),
        arguments(
            "cellar.defaults.immutable-types = [5]",
            "cellar.defaults.immutable-types = 5; " + TYPES_RULE),
        arguments(
            "cellar.defaults.immutable-types = [\"com.acme.Missing\"]",
            "cellar.defaults.immutable-types = \"com.acme.Missing\"; no class com.acme.Missing on"
                + " the cache manager's class path"),
        arguments(
            "cellar.defaults.immutable-types = [\"java.util.ArrayList\"]",
            "cellar.defaults.immutable-types = \"java.util.ArrayList\"; java.util.ArrayList"
                + " cannot be declared immutable: only records and enums can (String, boxed"
                + " primitives, UUID, BigInteger, BigDecimal and java.time values are built in)"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void aBadValueNamesItsPathAndWhatIsAllowed(String content, String problem) throws IOException {
    assertMessage(content, 1, problem);
  }

  static Stream<Arguments> unknownKeys() {
    return Stream.of(
        arguments(
            "cellar { default { history = 2 } }",
            "unknown key cellar.default; allowed here: defaults, caches, metrics"),
        arguments(
            "cellar.defaults.max-byte = 64 MiB",
            "unknown key cellar.defaults.max-byte; allowed here: " + CACHE_KEYS),
        arguments(
            "cellar.caches.users { ttl = 10 minutes }",
            "unknown key cellar.caches.users.ttl; allowed here: "
                + CACHE_KEYS
                + " (a cache name that holds '.' must be quoted: \"com.acme.Order\" { ... })"),
        arguments(
            // Unquoted, the dots make nested objects: cache "com" with a key "acme".
            "cellar.caches { com.acme.Order { history = 2 } }",
            "unknown key cellar.caches.com.acme; allowed here: "
                + CACHE_KEYS
                + " (a cache name that holds '.' must be quoted: \"com.acme.Order\" { ... })"),
        arguments(
            "cellar.defaults.expiry { policy = created, duration = 1 m, jitter = 5 s }",
            "unknown key cellar.defaults.expiry.jitter; allowed here: policy, duration"));
  }

  @ParameterizedTest
  @MethodSource("unknownKeys")
  void anUnknownKeyNamesItsPathAndTheKeysAllowed(String content, String problem)
      throws IOException {
    assertMessage(content, 1, problem);
  }

  @Test
  void theFirstMistakeInTheFileIsReportedWithItsLine() throws IOException {
    assertMessage(
        """
        cellar {
          defaults { history = 2 }
          caches {
            users { max-bytes = 256 MiB }
            orders {
              history = 99
              statistics = perhaps
            }
          }
        }
        """,
        6,
        "cellar.caches.orders.history = 99; " + HISTORY_RULE);
  }

  @Test
  void aMistakeInAnIncludedFileNamesThatFile() throws IOException {
    Path included =
        Files.writeString(dir.resolve("common.conf"), "\ncellar.defaults.history = 0\n");

    CacheException e = failure("main.conf", "include \"common.conf\"\n");

    assertEquals(
        "Invalid Cellar configuration "
            + dir.resolve("main.conf").toUri()
            + " ("
            + included
            + ": 2): cellar.defaults.history = 0; "
            + HISTORY_RULE,
        e.getMessage());
  }

  @Test
  void aFileWithoutTheCellarSectionFails() throws IOException {
    // The wrapper forgotten: the caches must not silently get defaults.
    CacheException e = failure("cellar.conf", "caches { users { history = 2 } }");

    String message = e.getMessage();
    assertTrue(
        message.startsWith("Invalid Cellar configuration " + dir.resolve("cellar.conf").toUri()),
        message);
    assertTrue(
        message.endsWith(
            ": no \"cellar\" section; Cellar reads cellar { defaults { ... }, caches { ... } }"),
        message);
  }

  @Test
  void aSyntaxErrorNamesTheFileAndLine() throws IOException {
    CacheException e = failure("cellar.conf", "cellar {\n  defaults {\n    history = 2\n");

    String message = e.getMessage();
    assertTrue(
        message.startsWith(
            "Invalid Cellar configuration " + dir.resolve("cellar.conf").toUri() + ": "),
        message);
    assertTrue(message.contains("cellar.conf: 4"), message);
  }

  @Test
  void hoconIsNotAcceptedInAJsonFile() throws IOException {
    CacheException e = failure("cellar.json", "{ cellar { defaults { history = 2 } } }");

    assertTrue(
        e.getMessage()
            .startsWith(
                "Invalid Cellar configuration " + dir.resolve("cellar.json").toUri() + ": "),
        e.getMessage());
  }

  @Test
  void anUnresolvedSubstitutionFails() throws IOException {
    CacheException e = failure("cellar.conf", "cellar.defaults.max-bytes = ${budget}");

    String message = e.getMessage();
    assertTrue(
        message.startsWith(
            "Invalid Cellar configuration " + dir.resolve("cellar.conf").toUri() + ": "),
        message);
    assertTrue(message.contains("${budget}"), message);
  }
}
