package dev.cellar.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.KeyFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyFilterTest {
  @ParameterizedTest
  @CsvSource({
    "orders.eu.1, orders.eu.1, true",
    "orders.eu.1, orders.eu.2, false",
    "orders.*.1, orders.eu.1, true",
    "orders.*.1, orders.eu.x.1, false",
    "orders.*, orders.eu, true",
    "orders.*, orders, false",
    "orders.*, orders.eu.1, false",
    "orders.>, orders.eu, true",
    "orders.>, orders.eu.1.x, true",
    "orders.>, orders, false",
    "orders.>, ordersx.eu, false",
    "*.eu.>, orders.eu.1, true",
    "*.eu.>, orders.us.1, false",
    ">, a, true",
    ">, a.b.c, true",
    "*, a.b, false",
    "*, a, true",
    "a.b, a.b.c, false",
    "a.b.c, a.b, false"
  })
  void patternsFollowNatsSubjectRules(String pattern, String key, boolean expected) {
    assertEquals(expected, KeyFilter.pattern(pattern).matches(key));
  }

  @Test
  void patternsMatchTheStringFormOfAKey() {
    assertTrue(KeyFilter.pattern("42").matches(42));
    assertTrue(KeyFilter.pattern("1.*").matches(1.5));
    assertFalse(KeyFilter.pattern("1.*").matches(15));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ord*", "orders.e*", "*a", "a>", ">.a", "a.>.b", "", "a..b", ".a", "a.", "."})
  void malformedPatternsAreRefused(String pattern) {
    assertThrows(IllegalArgumentException.class, () -> KeyFilter.pattern(pattern));
  }

  @Test
  void prefixMatchesTheStringForm() {
    KeyFilter filter = KeyFilter.prefix("user:");
    assertTrue(filter.matches("user:1"));
    assertTrue(filter.matches("user:"));
    assertFalse(filter.matches("users:1"));
    assertTrue(KeyFilter.prefix("12").matches(123));
    assertTrue(KeyFilter.prefix("").matches("anything"));
  }

  @Test
  void allMatchesEverything() {
    assertTrue(KeyFilter.all().matches("x"));
    assertTrue(KeyFilter.all().matches(7));
  }

  @Test
  void nullsAreRefused() {
    assertThrows(NullPointerException.class, () -> KeyFilter.prefix(null));
    assertThrows(NullPointerException.class, () -> KeyFilter.pattern(null));
  }
}
