package dev.cellar.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.Bucket;
import dev.cellar.BucketEntry;
import dev.cellar.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BucketOperationsTest {
  private static final long START = 1_000_000L;

  private final Buckets buckets = new Buckets();
  private final TestClock clock = new TestClock(START);

  @AfterEach
  void closeCaches() {
    buckets.close();
  }

  private Bucket<String, String> bucket() {
    return buckets.bucket(Buckets.config().setClock(clock).setHistory(5));
  }

  private static List<String> ops(List<BucketEntry<String, String>> history) {
    List<String> result = new ArrayList<>();
    for (BucketEntry<String, String> entry : history) {
      result.add(entry.operation() + "@" + entry.revision() + "=" + entry.value());
    }
    return result;
  }

  @Test
  void unwrapGivesOneViewPerCacheThatSharesItsData() {
    Cache<String, String> cache = buckets.cache(Buckets.config());
    Bucket<String, String> bucket = Buckets.bucketOf(cache);
    assertSame(bucket, Buckets.bucketOf(cache));
    assertEquals(cache.getName(), bucket.name());
    cache.put("a", "1");
    assertEquals("1", bucket.get("a").value());
    bucket.put("b", "2");
    assertEquals("2", cache.get("b"));
  }

  @Test
  void revisionsStartAtOneAndIncreaseAcrossKeys() {
    Bucket<String, String> bucket = bucket();
    assertEquals(0, bucket.revision());
    assertEquals(1, bucket.put("a", "1"));
    assertEquals(2, bucket.put("b", "1"));
    assertEquals(3, bucket.put("a", "2"));
    assertEquals(3, bucket.revision());
  }

  @Test
  void getReturnsTheLatestLiveValueWithItsMetadata() {
    Bucket<String, String> bucket = bucket();
    assertNull(bucket.get("a"));
    bucket.put("a", "1");
    clock.advance(5);
    bucket.put("a", "2", Duration.ofSeconds(10));
    BucketEntry<String, String> entry = bucket.get("a");
    assertEquals(bucket.name(), entry.bucket());
    assertEquals("a", entry.key());
    assertEquals("2", entry.value());
    assertEquals(2, entry.revision());
    assertEquals(Operation.PUT, entry.operation());
    assertEquals(Instant.ofEpochMilli(START + 5), entry.created());
    assertEquals(Instant.ofEpochMilli(START + 5 + 10_000), entry.expiresAt());
    bucket.delete("a");
    assertNull(bucket.get("a"));
    bucket.put("b", "1");
    bucket.purge("b");
    assertNull(bucket.get("b"));
  }

  @Test
  void getIgnoresAnExpiredValue() {
    Bucket<String, String> bucket = bucket();
    bucket.put("a", "1", Duration.ofMillis(100));
    clock.advance(99);
    assertEquals("1", bucket.get("a").value());
    clock.advance(1);
    assertNull(bucket.get("a"));
    assertEquals(List.of("PUT@1=1", "EXPIRE@2=null"), ops(bucket.history("a")));
  }

  @Test
  void getAtRevisionReturnsAnyRetainedRecord() {
    Bucket<String, String> bucket = bucket();
    bucket.put("a", "1");
    bucket.put("b", "x");
    bucket.put("a", "2");
    bucket.delete("a");
    assertEquals("1", bucket.get("a", 1).value());
    assertNull(bucket.get("a", 2), "revision 2 is b's");
    assertEquals("2", bucket.get("a", 3).value());
    BucketEntry<String, String> marker = bucket.get("a", 4);
    assertEquals(Operation.DELETE, marker.operation());
    assertNull(marker.value());
    assertNull(marker.expiresAt());
    assertNull(bucket.get("a", 5));
    assertNull(bucket.get("a", 0));
    assertNull(bucket.get("a", -1));
  }

  @Test
  void historyAndGetByRevisionNeverShowADueValueAsLive() {
    Bucket<String, String> bucket = bucket();
    bucket.put("a", "1", Duration.ofMillis(100));
    bucket.put("b", "2", Duration.ofMillis(100));
    clock.advance(100);
    // Nothing has read either key since it fell due.
    assertEquals(List.of("PUT@1=1", "EXPIRE@3=null"), ops(bucket.history("a")));
    assertEquals("PUT@2=2", ops(List.of(bucket.get("b", 2))).get(0));
    assertEquals("EXPIRE@4=null", ops(List.of(bucket.get("b", 4))).get(0));
    assertEquals(4, bucket.revision());
  }

  @Test
  void putWithoutTtlFollowsTheExpiryPolicyAsCachePutDoes() {
    Bucket<String, String> created =
        buckets.bucket(
            Buckets.config()
                .setClock(clock)
                .setExpiryPolicyFactory(
                    CreatedExpiryPolicy.factoryOf(
                        new javax.cache.expiry.Duration(
                            java.util.concurrent.TimeUnit.SECONDS, 10))));
    created.put("a", "1");
    assertEquals(Instant.ofEpochMilli(START + 10_000), created.get("a").expiresAt());
    clock.advance(1_000);
    created.put("a", "2"); // the created policy leaves an update's expiry unchanged
    assertEquals(Instant.ofEpochMilli(START + 10_000), created.get("a").expiresAt());

    Bucket<String, String> modified =
        buckets.bucket(
            Buckets.config()
                .setClock(clock)
                .setExpiryPolicyFactory(
                    ModifiedExpiryPolicy.factoryOf(
                        new javax.cache.expiry.Duration(
                            java.util.concurrent.TimeUnit.SECONDS, 10))));
    modified.put("a", "1");
    clock.advance(1_000);
    modified.put("a", "2");
    assertEquals(Instant.ofEpochMilli(START + 12_000), modified.get("a").expiresAt());
  }

  @Test
  void eternalPolicyKeepsTheEarlierExpiryOnUpdate() {
    Bucket<String, String> bucket = bucket();
    bucket.put("a", "1", Duration.ofSeconds(5));
    bucket.put("a", "2");
    assertEquals(Instant.ofEpochMilli(START + 5_000), bucket.get("a").expiresAt());
    bucket.put("b", "1");
    assertNull(bucket.get("b").expiresAt());
  }

  @Test
  void ttlIsRoundedUpToWholeMilliseconds() {
    Bucket<String, String> bucket = bucket();
    bucket.put("a", "1", Duration.ofNanos(1));
    assertEquals(Instant.ofEpochMilli(START + 1), bucket.get("a").expiresAt());
  }

  @Test
  void createOnlyWhenThereIsNoLiveValue() {
    Bucket<String, String> bucket = bucket();
    assertEquals(1, bucket.create("a", "1"));
    assertEquals(0, bucket.create("a", "2"));
    assertEquals("1", bucket.get("a").value());
    assertEquals(2, bucket.delete("a"));
    assertEquals(3, bucket.create("a", "3"));
    assertEquals(4, bucket.purge("a"));
    assertEquals(5, bucket.create("a", "4", Duration.ofSeconds(1)));
    assertEquals(List.of("PURGE@4=null", "PUT@5=4"), ops(bucket.history("a")));
    assertEquals(5, bucket.revision(), "a failed create writes no revision");
  }

  @Test
  void createOverAnExpiredNeverReadValueRecordsTheExpiryFirst() {
    Bucket<String, String> bucket = bucket();
    assertEquals(1, bucket.create("a", "1", Duration.ofMillis(50)));
    clock.advance(50);
    assertEquals(3, bucket.create("a", "2"));
    assertEquals(List.of("PUT@1=1", "EXPIRE@2=null", "PUT@3=2"), ops(bucket.history("a")));
    assertEquals(1, bucket.status().expirations());
  }

  @Test
  void updateComparesTheLatestRecordMarkersIncluded() {
    Bucket<String, String> bucket = bucket();
    assertEquals(0, bucket.update("a", "x", 1), "no record");
    assertEquals(1, bucket.put("a", "1"));
    assertEquals(0, bucket.update("a", "x", 2));
    assertEquals(2, bucket.update("a", "2", 1));
    assertEquals(0, bucket.update("a", "x", 1), "stale revision");
    assertEquals(3, bucket.delete("a"));
    assertEquals(4, bucket.update("a", "3", 3), "over the DELETE marker");
    assertEquals(5, bucket.purge("a"));
    assertEquals(6, bucket.update("a", "4", 5), "over the PURGE marker");
    assertEquals(List.of("PURGE@5=null", "PUT@6=4"), ops(bucket.history("a")));
    assertEquals(6, bucket.revision());
  }

  @Test
  void updateOverAnExpireMarker() {
    Bucket<String, String> bucket = bucket();
    bucket.put("a", "1", Duration.ofMillis(10));
    clock.advance(10);
    assertNull(bucket.get("a"));
    assertEquals(0, bucket.update("a", "x", 1), "the latest record is the EXPIRE marker");
    assertEquals(3, bucket.update("a", "2", 2));
  }

  @Test
  void deleteNeedsALiveValue() {
    Bucket<String, String> bucket = bucket();
    assertEquals(0, bucket.delete("a"));
    bucket.put("a", "1");
    assertEquals(0, bucket.delete("a", 7));
    assertEquals(2, bucket.delete("a", 1));
    assertEquals(0, bucket.delete("a"), "already deleted");
    assertEquals(0, bucket.delete("a", 2), "the latest record is already a marker");
    assertEquals(List.of("PUT@1=1", "DELETE@2=null"), ops(bucket.history("a")));
    assertEquals(2, bucket.revision());
  }

  @Test
  void purgeDropsHistoryAndAlwaysLeavesAMarker() {
    Bucket<String, String> bucket = bucket();
    assertEquals(1, bucket.purge("never"));
    assertEquals(List.of("PURGE@1=null"), ops(bucket.history("never")));
    bucket.put("a", "1");
    bucket.put("a", "2");
    assertEquals(0, bucket.purge("a", 2));
    assertEquals(4, bucket.purge("a", 3));
    assertEquals(List.of("PURGE@4=null"), ops(bucket.history("a")));
    assertEquals(5, bucket.purge("a", 4), "a purge over a PURGE marker");
    assertNull(bucket.get("a", 2));
  }

  @Test
  void historyKeepsTheConfiguredDepthOldestFirst() {
    Bucket<String, String> bucket = buckets.bucket(Buckets.config().setClock(clock).setHistory(3));
    assertEquals(List.of(), bucket.history("a"));
    for (int i = 1; i <= 5; i++) {
      bucket.put("a", "v" + i);
    }
    bucket.delete("a");
    assertEquals(List.of("PUT@4=v4", "PUT@5=v5", "DELETE@6=null"), ops(bucket.history("a")));
    Bucket<String, String> shallow = buckets.bucket(Buckets.config());
    shallow.put("a", "1");
    shallow.put("a", "2");
    assertEquals(List.of("PUT@2=2"), ops(shallow.history("a")));
  }

  @Test
  void purgeDeletesForgetsKeysWhoseLatestRecordIsAMarker() {
    Bucket<String, String> bucket = bucket();
    bucket.put("live", "1");
    bucket.put("deleted", "1");
    bucket.delete("deleted");
    bucket.purge("purged");
    bucket.put("expired", "1", Duration.ofMillis(1));
    clock.advance(1);
    assertNull(bucket.get("expired"));
    long revision = bucket.revision();
    assertEquals(3, bucket.purgeDeletes());
    assertEquals(revision, bucket.revision(), "purgeDeletes writes no revision");
    assertEquals(List.of(), bucket.history("deleted"));
    assertEquals(List.of(), bucket.history("purged"));
    assertEquals(List.of(), bucket.history("expired"));
    assertEquals(1, bucket.history("live").size());
    assertEquals(0, bucket.purgeDeletes());
  }

  @Test
  void statusCountsLiveKeysRecordsAndBytes() {
    Bucket<String, String> bucket = bucket();
    long emptyBytes = bucket.status().bytes();
    bucket.put("a", "1");
    bucket.put("a", "2");
    bucket.put("b", "1");
    bucket.delete("b");
    bucket.put("c", "1", Duration.ofMillis(10));
    clock.advance(10); // c is due but never read
    var status = bucket.status();
    assertEquals(bucket.name(), status.name());
    assertEquals(1, status.entries());
    assertEquals(6, status.records(), "a: 2, b: PUT and DELETE, c: PUT and EXPIRE");
    assertEquals(5, status.history());
    assertEquals(6, status.revision());
    assertEquals(1, status.expirations());
    assertEquals(0, status.evictions());
    assertEquals(64L * 1024 * 1024, status.maxBytes());
    assertTrue(status.bytes() > emptyBytes);
    bucket.purge("a");
    bucket.purge("b");
    bucket.purge("c");
    bucket.purgeDeletes();
    assertEquals(emptyBytes, bucket.status().bytes());
    assertEquals(0, bucket.status().records());
  }

  @Test
  void badInputIsRefused() {
    Bucket<String, String> bucket = bucket();
    assertThrows(NullPointerException.class, () -> bucket.get(null));
    assertThrows(NullPointerException.class, () -> bucket.get(null, 1));
    assertThrows(NullPointerException.class, () -> bucket.put(null, "1"));
    assertThrows(NullPointerException.class, () -> bucket.put("a", null));
    assertThrows(NullPointerException.class, () -> bucket.put("a", "1", null));
    assertThrows(NullPointerException.class, () -> bucket.create("a", null));
    assertThrows(NullPointerException.class, () -> bucket.create("a", "1", null));
    assertThrows(NullPointerException.class, () -> bucket.update(null, "1", 1));
    assertThrows(NullPointerException.class, () -> bucket.delete(null));
    assertThrows(NullPointerException.class, () -> bucket.purge(null, 1));
    assertThrows(NullPointerException.class, () -> bucket.history(null));
    assertThrows(NullPointerException.class, () -> bucket.keys(null));
    assertThrows(IllegalArgumentException.class, () -> bucket.put("a", "1", Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> bucket.create("a", "1", Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> bucket.update("a", "1", -1));
    assertThrows(IllegalArgumentException.class, () -> bucket.delete("a", -1));
    assertThrows(IllegalArgumentException.class, () -> bucket.purge("a", -2));
    assertEquals(0, bucket.revision(), "refused calls write nothing");
  }

  @Test
  void aClosedCacheRefusesEveryCallButName() {
    Cache<String, String> cache = buckets.cache(Buckets.config());
    Bucket<String, String> bucket = Buckets.bucketOf(cache);
    bucket.put("a", "1");
    String name = cache.getName();
    cache.close();
    assertEquals(name, bucket.name());
    List<Runnable> calls =
        List.of(
            bucket::revision,
            () -> bucket.get("a"),
            () -> bucket.get("a", 1),
            () -> bucket.put("a", "1"),
            () -> bucket.put("a", "1", Duration.ofSeconds(1)),
            () -> bucket.create("a", "1"),
            () -> bucket.create("a", "1", Duration.ofSeconds(1)),
            () -> bucket.update("a", "1", 1),
            () -> bucket.delete("a"),
            () -> bucket.delete("a", 1),
            () -> bucket.purge("a"),
            () -> bucket.purge("a", 1),
            bucket::purgeDeletes,
            () -> bucket.history("a"),
            bucket::keys,
            () -> bucket.keys(dev.cellar.KeyFilter.all()),
            () -> bucket.list(dev.cellar.KeyFilter.all(), null, 1),
            () -> bucket.watch(dev.cellar.KeyFilter.all(), entry -> {}),
            () -> bucket.watch(dev.cellar.KeyFilter.all(), 1, entry -> {}),
            bucket::atomic,
            bucket::status);
    for (Runnable call : calls) {
      assertThrows(IllegalStateException.class, call::run);
    }
  }
}
