package dev.cellar.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A {@link PrintStream} for an example to print to, and what it printed. */
final class Printed {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  /** The stream to hand to the example. */
  final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  /** Everything printed so far, with {@code \n} line ends. */
  String text() {
    return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }
}
