package dev.cellar.examples;

import dev.cellar.Bucket;
import dev.cellar.BucketEntry;
import dev.cellar.CellarConfiguration;
import dev.cellar.CommitResult;
import dev.cellar.KeyFilter;
import dev.cellar.KeyPage;
import dev.cellar.Watch;
import dev.cellar.Watcher;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The key-value view of a cache: create, update by revision, history, an atomic multi-key commit,
 * listing, and a watch with a wildcard. Run it with {@code mvn -B -q -Ptour -DskipTests -pl
 * examples -am verify -Dexample=BucketExample}, or from an IDE with {@code --add-exports
 * java.base/jdk.internal.misc=ALL-UNNAMED}.
 */
public final class BucketExample {
  private BucketExample() {}

  /** Runs the walk-through and prints what it does. */
  public static void main(String[] args) throws InterruptedException {
    run(System.out);
  }

  /** Runs the walk-through, printing to {@code out}; returns the bucket's final revision. */
  @SuppressWarnings("unchecked")
  public static long run(PrintStream out) throws InterruptedException {
    CacheManager manager = Caching.getCachingProvider().getCacheManager();
    try {
      Cache<String, String> cache =
          manager.createCache(
              "orders-" + System.nanoTime(),
              new CellarConfiguration<String, String>()
                  .setTypes(String.class, String.class)
                  .setHistory(5));
      Bucket<String, String> bucket = cache.unwrap(Bucket.class);

      // Watch every order's status: `*` is one token of the dot-separated key.
      List<String> seen = new ArrayList<>();
      CountDownLatch delivered = new CountDownLatch(6);
      Watcher<String, String> watcher =
          entry -> {
            synchronized (seen) {
              seen.add(entry.revision() + " " + entry.operation() + " " + entry.key());
            }
            delivered.countDown();
          };
      try (Watch watch = bucket.watch(KeyFilter.pattern("orders.*.status"), watcher)) {
        long created = bucket.create("orders.1001.status", "placed");
        out.println("create orders.1001.status -> revision " + created);
        out.println(
            "create again                -> "
                + bucket.create("orders.1001.status", "x")
                + " (0: a live value exists)");

        long paid = bucket.update("orders.1001.status", "paid", created);
        out.println("update if revision " + created + "    -> revision " + paid);
        out.println(
            "update if revision "
                + created
                + "    -> "
                + bucket.update("orders.1001.status", "shipped", created)
                + " (0: someone updated it first)");
        long shipped = bucket.update("orders.1001.status", "shipped", paid);

        bucket.put("orders.1002.status", "placed");
        bucket.put("orders.1002.total", "42.00");
        bucket.delete("orders.1002.status");

        out.println("history of orders.1001.status:");
        for (BucketEntry<String, String> entry : bucket.history("orders.1001.status")) {
          out.println("  " + entry.revision() + " " + entry.operation() + " " + entry.value());
        }
        BucketEntry<String, String> atPaid =
            Objects.requireNonNull(bucket.get("orders.1001.status", paid));
        out.println("value at revision " + paid + ": " + atPaid.value());
        BucketEntry<String, String> latest =
            Objects.requireNonNull(bucket.get("orders.1001.status"));
        out.println("latest: " + latest.value() + " at " + shipped);

        // Move order 1001 to "delivered" and record the delivery, only if nobody changed the
        // status since we read it: both writes happen, with consecutive revisions, or neither.
        long statusRevision = latest.revision();
        CommitResult moved =
            bucket
                .atomic()
                .check("orders.1001.status", statusRevision)
                .check("orders.1001.delivery", 0)
                .put("orders.1001.status", "delivered")
                .put("orders.1001.delivery", "2026-11-22")
                .commit();
        out.println("atomic commit: ok=" + moved.ok() + ", last revision " + moved.revision());
        CommitResult stale =
            bucket
                .atomic()
                .check("orders.1001.status", statusRevision)
                .delete("orders.1001.status")
                .commit();
        out.println("atomic commit with a stale check: ok=" + stale.ok() + " (nothing written)");

        KeyPage<String> page = bucket.list(KeyFilter.prefix("orders."), null, 10);
        out.println("keys under orders.: " + page.keys() + " (complete: " + page.complete() + ")");

        delivered.await(5, TimeUnit.SECONDS);
      }
      synchronized (seen) {
        out.println("the watch on orders.*.status saw:");
        seen.forEach(line -> out.println("  " + line));
      }
      out.println("bucket status: " + bucket.status());
      return bucket.revision();
    } finally {
      manager.close();
    }
  }
}
