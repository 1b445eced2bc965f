package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** No increment is lost, invokeAll returns each result, a failing processor changes nothing. */
class EntryProcessorExampleTest {
  @Test
  void processorsAreAtomic() throws InterruptedException {
    Printed printed = new Printed();
    EntryProcessorExample.Outcome outcome = EntryProcessorExample.run(printed.out);
    String text = printed.text();

    assertEquals(2 * EntryProcessorExample.INCREMENTS, outcome.likes());
    assertEquals(Map.of("apples", 2), outcome.stock(), "pears reached 0 and were removed");
    assertEquals("java.lang.IllegalStateException: changed my mind", outcome.refused());
    assertTrue(text.contains("invoke increment on visits -> 3\n"), text);
    assertTrue(text.contains("invokeAll take one: pears -> 0\n"), text);
    assertTrue(text.contains("stock still: {apples=2}\n"), text);
  }
}
