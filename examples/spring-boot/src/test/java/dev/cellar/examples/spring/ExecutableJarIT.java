package dev.cellar.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the repackaged jar the way a user would, {@code java -jar app.jar} with no JVM flags, and
 * checks that Cellar works in it: the jar's manifest carries {@code Add-Exports}, which the JVM
 * honours only for {@code -jar}. Runs after {@code package} (Failsafe).
 */
class ExecutableJarIT {
  private static final String EXPORT = "java.base/jdk.internal.misc";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern TOMCAT_STARTED = Pattern.compile("Tomcat started on port (\\d+)");

  private final Path jar = Path.of(System.getProperty("app.jar", "target/app.jar"));
  private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void manifestAddsTheExportAgronaNeeds() throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      assertEquals(EXPORT, main.getValue("Add-Exports"));
      assertEquals(
          "org.springframework.boot.loader.launch.JarLauncher", main.getValue("Main-Class"));
      assertEquals(BookstoreApplication.class.getName(), main.getValue("Start-Class"));
    }
  }

  @Test
  void javaDashJarRunsTheBookstoreWithCellarAndNoJvmFlags() throws Exception {
    Path log = Files.createTempFile(jar.getParent(), "java-jar-", ".log");
    Process app =
        start(
            log,
            List.of(
                "-jar",
                jar.toString(),
                "--server.address=127.0.0.1",
                "--server.port=0",
                "--spring.main.banner-mode=off"));
    try {
      String base = "http://127.0.0.1:" + awaitPort(app, log);
      assertEquals("UP", json.readTree(get(base + "/actuator/health", 200)).get("status").asText());

      String first = get(base + "/books/978-0134685991", 200);
      String second = get(base + "/books/978-0134685991", 200);
      assertEquals(first, second);
      assertEquals("Effective Java", json.readTree(second).get("title").asText());
      get(base + "/books/978-0000000000", 404);

      // The caches cellar.conf declares exist: Cellar read the file from inside the nested jar.
      JsonNode caches =
          json.readTree(get(base + "/actuator/caches", 200))
              .at("/cacheManagers/cacheManager/caches");
      List<String> names = new ArrayList<>();
      caches.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      assertEquals(List.of("books", "ratings", "stock"), names, caches.toString());

      // Two misses (the first call, the unknown ISBN) and one hit, as Micrometer reads them from
      // the JCache statistics MXBean.
      assertEquals(
          1.0, count(base + "/actuator/metrics/cache.gets?tag=cache:books&tag=result:hit"));
      assertEquals(
          2.0, count(base + "/actuator/metrics/cache.gets?tag=cache:books&tag=result:miss"));
      assertEquals(1.0, count(base + "/actuator/metrics/cache.puts?tag=cache:books"));
    } finally {
      stop(app);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(output.contains("Started BookstoreApplication"), output);
    Files.delete(log);
  }

  /**
   * The same jar started without {@code -jar}, so its manifest's {@code Add-Exports} does not
   * apply: the application must not start, and the log must name the flag. This shows that the
   * manifest entry is what makes {@code java -jar} work.
   */
  @Test
  void withoutTheManifestExportTheApplicationStopsAndNamesTheFlag() throws Exception {
    Path log = Files.createTempFile(jar.getParent(), "java-cp-", ".log");
    Process app =
        start(
            log,
            List.of(
                "-cp",
                jar.toString(),
                "org.springframework.boot.loader.launch.JarLauncher",
                // No web server: the cache manager is created (and refused) all the same.
                "--spring.main.web-application-type=none",
                "--spring.main.banner-mode=off"));
    try {
      if (!app.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        fail("still running without the export:\n" + Files.readString(log));
      }
    } finally {
      stop(app);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertNotEquals(0, app.exitValue(), output);
    assertTrue(
        output.contains(
            "Cellar needs the JVM flag --add-exports java.base/jdk.internal.misc=ALL-UNNAMED"),
        output);
    Files.delete(log);
  }

  /** Starts {@code java} with {@code arguments} and no JVM options from the environment. */
  private Process start(Path log, List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().remove("_JAVA_OPTIONS");
    return builder.start();
  }

  /** The port the application's web server listens on, from its log, once it has started. */
  private static int awaitPort(Process app, Path log) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher started = TOMCAT_STARTED.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (started.find()) {
        return Integer.parseInt(started.group(1));
      }
      if (!app.isAlive()) {
        fail("exited with " + app.exitValue() + ":\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    fail("not started within " + START_TIMEOUT + ":\n" + Files.readString(log));
    throw new AssertionError("unreachable");
  }

  private String get(String url, int status) throws Exception {
    HttpResponse<String> response = send(url);
    assertEquals(status, response.statusCode(), url + ": " + response.body());
    return response.body();
  }

  private double count(String url) throws Exception {
    JsonNode metric = json.readTree(get(url, 200));
    assertEquals("COUNT", metric.at("/measurements/0/statistic").asText(), metric.toString());
    return metric.at("/measurements/0/value").asDouble();
  }

  private HttpResponse<String> send(String url) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void stop(Process app) throws InterruptedException {
    if (app.isAlive()) {
      app.destroy();
      if (!app.waitFor(30, TimeUnit.SECONDS)) {
        app.destroyForcibly();
        app.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
