package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The near tier serves repeated reads, hands out the held instance and sees the update. */
class NearTierExampleTest {
  @Test
  void repeatedReadsComeFromTheNearTierAndAnUpdateIsSeen() {
    Printed printed = new Printed();
    NearTierExample.Seen seen = NearTierExample.run(printed.out);

    assertEquals(2, seen.nearHits());
    assertEquals(4, seen.hits());
    assertTrue(seen.sameInstance());
    assertEquals(new NearTierExample.Price("EUR", new BigDecimal("3.80")), seen.afterUpdate());
    assertTrue(
        printed.text().contains("after the update -> Price[currency=EUR, amount=3.80]\n"),
        printed::text);
    assertTrue(printed.text().contains("near hits 2 of 4 hits\n"), printed::text);
  }
}
