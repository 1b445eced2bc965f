package dev.cellar.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The example program runs and prints the statistics each step should produce. */
class HibernateExampleTest {
  @Test
  void printsEachStepsEffectOnTheCaches() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    HibernateExample.Summary summary =
        HibernateExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertEquals(
        new HibernateExample.Summary(9, 3, 6, 1, 1, "Countess of Lovelace"), summary, printed);
    assertTrue(
        printed.contains("find author, cold -> Ada Lovelace\n    L2 hits 0, misses 1, puts 1 |"),
        printed);
    assertTrue(
        printed.contains(
            "find author, new session -> Ada Lovelace\n    L2 hits 1, misses 1, puts 1 |"),
        printed);
    assertTrue(
        printed.contains(
            "author by natural id, new session -> Ada Lovelace\n"
                + "    L2 hits 7, misses 2, puts 4 | natural-id hits 1, misses 1 |"),
        printed);
    assertTrue(
        printed.contains("find author -> Augusta Ada King\n    L2 hits 9, misses 2, puts 5 |"),
        printed);
    assertTrue(printed.contains("find author -> Countess of Lovelace\n"), printed);
    // The region table: Hibernate's counters beside the Cellar cache's entries and budget.
    assertTrue(
        printed.matches(
            "(?s).*\\ndev\\.cellar\\.examples\\.hibernate\\.Author +6 +2 +3 +1 +16 MiB\\n.*"),
        printed);
    assertTrue(
        printed.matches(
            "(?s).*\\ndev\\.cellar\\.examples\\.hibernate\\.Book#tags +0 +0 +0 +0 +8 MiB\\n.*"),
        printed);
  }
}
