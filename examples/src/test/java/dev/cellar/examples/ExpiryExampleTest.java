package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The expiry example shows each policy ending an entry at the moment it promises. */
class ExpiryExampleTest {
  @Test
  void entriesExpireWhenTheirPolicySays() {
    Printed printed = new Printed();
    ExpiryExample.run(printed.out);
    String text = printed.text();

    assertTrue(text.contains("09:00:59Z get token.alice -> t-1\n"), text);
    assertTrue(text.contains("09:01:00Z get token.alice -> null\n"), text);
    // Each read restarts the 30 seconds: alive 40 s after creation, gone 30 s after a read.
    assertTrue(text.contains("09:01:40Z get session.bob -> cart: 2 items\n"), text);
    assertTrue(text.contains("09:02:10Z get session.bob -> null\n"), text);
    assertTrue(text.contains("09:02:20Z get link.promo -> null\n"), text);
    assertTrue(text.contains("09:02:20Z get link.home  -> https://example.org/\n"), text);
    // The expiry is a record with its own revision, after link.home's put.
    assertTrue(text.contains("history of link.promo:\n  1 PUT\n  3 EXPIRE\n"), text);
  }
}
