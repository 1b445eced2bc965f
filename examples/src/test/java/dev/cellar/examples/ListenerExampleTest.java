package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Both listeners get the three events, in order, with old values. */
class ListenerExampleTest {
  @Test
  void listenersSeeEveryChangeWithOldValues() throws InterruptedException {
    Printed printed = new Printed();
    ListenerExample.Seen seen = ListenerExample.run(printed.out);
    String text = printed.text();

    List<String> expected =
        List.of(
            "CREATED price.apple = 1.00",
            "UPDATED price.apple 1.00 -> 1.20",
            "REMOVED price.apple (was 1.20)");
    assertEquals(expected, seen.synchronous());
    assertEquals(expected, seen.asynchronous());
    // The synchronous listener had each event by the time the call returned.
    assertTrue(text.contains("put price.apple 1.20;   the synchronous listener has UPDATED"), text);
    assertTrue(text.contains("remove price.apple;     the synchronous listener has REMOVED"), text);
    assertTrue(text.contains("the asynchronous listener got all three: true"), text);
  }
}
