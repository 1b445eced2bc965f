package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Start-up in a child JVM without the jdk.internal.misc export fails with a helpful message. */
class MissingJvmFlagTest {
  private static final String FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

  /** Starts {@link StartupProbe} in a child JVM with the test class path and {@code jvmArgs}. */
  private static Process start(List<String> jvmArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(StartupProbe.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    // Either variable could smuggle the flag in and hide what the test is about.
    environment.remove("JAVA_TOOL_OPTIONS");
    environment.remove("JDK_JAVA_OPTIONS");
    return builder.start();
  }

  private static List<String> output(Process process) throws Exception {
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the child JVM did not exit");
    assertEquals(0, process.exitValue(), text);
    return text.lines().toList();
  }

  @Test
  void withoutTheFlagGettingACacheManagerFailsWithACacheExceptionThatSaysHowToAddIt()
      throws Exception {
    // All three children start at once; the two with a flag show the probe itself works.
    Process without = start(List.of());
    Process exported = start(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
    Process opened = start(List.of("--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"));

    List<String> lines = output(without);
    assertEquals("FAILED javax.cache.CacheException", lines.get(0), String.join("\n", lines));
    String message = lines.get(1);
    assertTrue(message.startsWith("MESSAGE "), message);
    assertTrue(message.contains(FLAG), message);
    assertTrue(message.contains("JAVA_TOOL_OPTIONS"), message);
    assertTrue(message.contains("Add-Exports: java.base/jdk.internal.misc"), message);
    assertEquals("CAUSE none", lines.get(2));
    assertFalse(String.join("\n", lines).contains("IllegalAccessError"), String.join("\n", lines));

    assertEquals(List.of("OK stored off-heap"), output(exported));
    assertEquals(List.of("OK stored off-heap"), output(opened));
  }
}
