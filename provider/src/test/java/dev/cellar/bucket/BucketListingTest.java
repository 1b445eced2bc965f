package dev.cellar.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.Bucket;
import dev.cellar.KeyFilter;
import dev.cellar.KeyPage;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BucketListingTest {
  private final Buckets buckets = new Buckets();
  private final TestClock clock = new TestClock(5_000L);

  @AfterEach
  void closeCaches() {
    buckets.close();
  }

  private Bucket<String, String> bucket(String... keys) {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config().setClock(clock));
    for (String key : keys) {
      bucket.put(key, "v");
    }
    return bucket;
  }

  private static List<String> sorted(java.util.stream.Stream<String> keys) {
    return keys.sorted().collect(Collectors.toList());
  }

  @Test
  void keysAreTheLiveUnexpiredKeys() {
    Bucket<String, String> bucket = bucket("a", "b", "c", "d");
    bucket.delete("b");
    bucket.purge("c");
    bucket.purge("never");
    bucket.put("e", "v", Duration.ofMillis(10));
    bucket.put("f", "v", Duration.ofMillis(20));
    clock.advance(10); // e is due and never read
    assertEquals(List.of("a", "d", "f"), sorted(bucket.keys()));
  }

  @Test
  void keysWithAFilter() {
    Bucket<String, String> bucket = bucket("orders.eu.1", "orders.us.1", "orders.eu", "users.1");
    assertEquals(
        List.of("orders.eu.1", "orders.us.1"),
        sorted(bucket.keys(KeyFilter.pattern("orders.*.1"))));
    assertEquals(
        List.of("orders.eu", "orders.eu.1", "orders.us.1"),
        sorted(bucket.keys(KeyFilter.pattern("orders.>"))));
    assertEquals(List.of("users.1"), sorted(bucket.keys(KeyFilter.prefix("us"))));
  }

  @Test
  void listPagesHoldExactlyLimitKeysInStringOrder() {
    Bucket<String, String> bucket = bucket("k5", "k1", "k3", "k2", "k4", "k10");
    KeyPage<String> first = bucket.list(KeyFilter.all(), null, 2);
    assertEquals(List.of("k1", "k10"), first.keys());
    assertFalse(first.complete());
    assertNotNull(first.cursor());
    KeyPage<String> second = bucket.list(KeyFilter.all(), first.cursor(), 2);
    assertEquals(List.of("k2", "k3"), second.keys());
    assertFalse(second.complete());
    KeyPage<String> third = bucket.list(KeyFilter.all(), second.cursor(), 2);
    assertEquals(List.of("k4", "k5"), third.keys());
    assertTrue(third.complete(), "the page holding the last key is complete");
    assertNull(third.cursor());
  }

  @Test
  void aPartialLastPageAndALimitLargerThanTheBucket() {
    Bucket<String, String> bucket = bucket("a", "b", "c");
    KeyPage<String> first = bucket.list(KeyFilter.all(), null, 2);
    assertEquals(List.of("a", "b"), first.keys());
    KeyPage<String> last = bucket.list(KeyFilter.all(), first.cursor(), 2);
    assertEquals(List.of("c"), last.keys());
    assertTrue(last.complete());
    assertNull(last.cursor());
    KeyPage<String> all = bucket.list(KeyFilter.all(), null, 3);
    assertEquals(List.of("a", "b", "c"), all.keys());
    assertTrue(all.complete());
    assertNull(all.cursor());
    assertEquals(List.of("a", "b", "c"), bucket.list(KeyFilter.all(), null, 100).keys());
  }

  @Test
  void anEmptyBucketListsOneCompleteEmptyPage() {
    KeyPage<String> page = bucket().list(KeyFilter.all(), null, 5);
    assertEquals(List.of(), page.keys());
    assertTrue(page.complete());
    assertNull(page.cursor());
  }

  @Test
  void cursorsAreReusablePositions() {
    Bucket<String, String> bucket = bucket("a", "b", "c", "d");
    String cursor = bucket.list(KeyFilter.all(), null, 1).cursor();
    assertEquals(List.of("b", "c"), bucket.list(KeyFilter.all(), cursor, 2).keys());
    assertEquals(List.of("b", "c"), bucket.list(KeyFilter.all(), cursor, 2).keys());
    bucket.delete("b");
    bucket.put("ab", "v");
    assertEquals(List.of("ab", "c"), bucket.list(KeyFilter.all(), cursor, 2).keys());
    bucket.delete("a"); // the cursor's own key may go; the position stays
    assertEquals(List.of("ab", "c", "d"), bucket.list(KeyFilter.all(), cursor, 5).keys());
  }

  @Test
  void listSkipsDeletedAndExpiredKeysAndFilters() {
    Bucket<String, String> bucket = bucket("orders.1", "orders.2", "orders.3", "users.1");
    bucket.delete("orders.2");
    bucket.put("orders.4", "v", Duration.ofMillis(1));
    clock.advance(1);
    KeyPage<String> page = bucket.list(KeyFilter.pattern("orders.*"), null, 1);
    assertEquals(List.of("orders.1"), page.keys());
    page = bucket.list(KeyFilter.pattern("orders.*"), page.cursor(), 1);
    assertEquals(List.of("orders.3"), page.keys());
    assertTrue(page.complete());
  }

  @Test
  void foreignAndForgedCursorsAreRefused() {
    Bucket<String, String> bucket = bucket("a", "b", "c");
    Bucket<String, String> other = bucket("a", "b", "c");
    String theirs = other.list(KeyFilter.all(), null, 1).cursor();
    String ours = bucket.list(KeyFilter.all(), null, 1).cursor();
    assertThrows(IllegalArgumentException.class, () -> bucket.list(KeyFilter.all(), theirs, 1));
    for (String forged : List.of("", "a", "YQ", "YQ.", "YQ.AAAA", ours + "x", "!!." + ours)) {
      assertThrows(
          IllegalArgumentException.class, () -> bucket.list(KeyFilter.all(), forged, 1), forged);
    }
  }

  @Test
  void badListArgumentsAreRefused() {
    Bucket<String, String> bucket = bucket("a");
    assertThrows(IllegalArgumentException.class, () -> bucket.list(KeyFilter.all(), null, 0));
    assertThrows(IllegalArgumentException.class, () -> bucket.list(KeyFilter.all(), null, -1));
    assertThrows(NullPointerException.class, () -> bucket.list(null, null, 1));
  }
}
