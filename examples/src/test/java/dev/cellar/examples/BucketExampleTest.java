package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bucket example runs and prints the revisions, history and watch events it promises. */
class BucketExampleTest {
  @Test
  void walksThroughTheBucketApi() throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long revision = BucketExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertEquals(8, revision, "create, update, update, put, put, delete, two in one commit");
    assertTrue(printed.contains("create orders.1001.status -> revision 1"), printed);
    assertTrue(printed.contains("update if revision 1    -> revision 2"), printed);
    assertTrue(printed.contains("update if revision 1    -> 0 (0: someone updated it first)"));
    assertTrue(printed.contains("  1 PUT placed\n  2 PUT paid\n  3 PUT shipped\n"), printed);
    assertTrue(printed.contains("value at revision 2: paid"), printed);
    assertTrue(printed.contains("atomic commit: ok=true, last revision 8"), printed);
    assertTrue(printed.contains("atomic commit with a stale check: ok=false"), printed);
    assertTrue(
        printed.contains(
            "keys under orders.: [orders.1001.delivery, orders.1001.status, orders.1002.total]"),
        printed);
    assertTrue(
        printed.contains("  4 PUT orders.1002.status\n  6 DELETE orders.1002.status"), printed);
  }
}
