package dev.cellar.examples;

import dev.cellar.engine.BucketConfig;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.engine.RecordInfo;
import dev.cellar.engine.RecordView;
import dev.cellar.engine.WatchCursor;
import dev.cellar.engine.WatchHandler;
import dev.cellar.engine.WatchStart;
import dev.cellar.engine.WriteOutcome;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A walk through the off-heap engine that prints what it does: a bucket with a byte budget, puts
 * and gets with revisions, compare-and-set by revision, delete and history, a watch cursor, and
 * eviction keeping the bucket within its budget. Runs in well under a second.
 *
 * <p>Run it with {@code mvn -B -q -Ptour -DskipTests -pl examples -am verify -Dexample=EngineTour}
 * (the JVM needs {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}, which the build
 * passes).
 */
public final class EngineTour {
  /** The tour's byte budget: small, so that filling it takes a moment. */
  static final long MAX_BYTES = 4L << 20;

  /** Values written while filling the bucket past its budget. */
  static final int FILL_COUNT = 40_000;

  /** Bytes per value while filling. */
  static final int FILL_VALUE_LENGTH = 200;

  private final PrintStream out;
  private final ExpandableArrayBuffer valueOut = new ExpandableArrayBuffer(64);
  private final RecordInfo info = new RecordInfo();

  /** Writes that succeeded; every one of them took a revision. */
  private long writes;

  private EngineTour(PrintStream out) {
    this.out = out;
  }

  /** Runs the tour, printing to standard output. */
  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the tour, printing to {@code out}, and returns the closing figures. */
  public static Summary run(PrintStream out) {
    return new EngineTour(out).tour();
  }

  /**
   * The bucket's figures at the end of the tour, plus the writes the tour made. Every revision is a
   * successful write or an eviction (the tour sets no expiry), so {@code revision} equals {@code
   * writes + evictions}.
   */
  public record Summary(
      long entries,
      long records,
      long bytesInUse,
      long maxBytes,
      long evictions,
      long revision,
      long writes,
      long watchDelivered,
      long watchResyncs) {}

  private Summary tour() {
    heading("1. A bucket with a byte budget");
    BucketConfig config = BucketConfig.builder().maxBytes(MAX_BYTES).history(3).build();
    try (OffHeapBucket bucket = new OffHeapBucket(config)) {
      out.printf("%s%n", config);
      out.printf(
          "bytes in use when empty (index tables and journal): %,d of %,d%n",
          bucket.bytesInUse(), bucket.maxBytes());

      heading("2. put and get: every write gets a revision");
      put(bucket, "greeting", "hello");
      put(bucket, "color", "blue");
      get(bucket, "greeting");
      put(bucket, "greeting", "hello, world");
      get(bucket, "greeting");
      get(bucket, "missing");

      heading("3. Compare-and-set by revision");
      long colorRevision = info(bucket, "color").revision();
      update(bucket, "color", "green", colorRevision);
      update(bucket, "color", "red", colorRevision);
      long created =
          count(
              bucket.create(
                  buffer("greeting"), 0, length("greeting"), buffer("hi"), 0, length("hi"), 0L));
      out.printf("create greeting=\"hi\" (only if absent) -> %s%n", describe(created));

      heading("4. Delete keeps history");
      long deleted =
          count(bucket.delete(buffer("color"), 0, length("color"), WriteOutcome.ANY_REVISION));
      out.printf("delete color -> %s%n", describe(deleted));
      get(bucket, "color");
      out.printf("history of color, oldest first:%n");
      bucket.history(
          buffer("color"), 0, length("color"), record -> out.printf("  %s%n", show(record)));

      heading("5. A watch cursor: replay, then live changes");
      int delivered = 0;
      try (WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 0)) {
        Printer printer = new Printer();
        delivered += cursor.poll(printer, 100);
        put(bucket, "greeting", "good evening");
        put(bucket, "color", "purple");
        delivered += cursor.poll(printer, 100);

        heading("6. Filling the bucket past its budget");
        out.printf(
            "writing %,d values of %d bytes (%,d bytes) into a %,d-byte budget%n",
            FILL_COUNT,
            FILL_VALUE_LENGTH,
            (long) FILL_COUNT * FILL_VALUE_LENGTH,
            bucket.maxBytes());
        fill(bucket);
        int afterFill = drain(cursor);
        delivered += afterFill;
        out.printf(
            "the watch cursor then caught up: %,d records, %d resync(s) after the "
                + "journal (%,d revisions) lapped it%n",
            afterFill, cursor.resyncs(), config.journalSize());
        get(bucket, "greeting");

        heading("Summary");
        Summary summary =
            new Summary(
                bucket.entryCount(),
                bucket.recordCount(),
                bucket.bytesInUse(),
                bucket.maxBytes(),
                bucket.evictions(),
                bucket.revision(),
                writes,
                delivered,
                cursor.resyncs());
        out.printf("entries (live values):     %,d%n", summary.entries());
        out.printf("records (with history):    %,d%n", summary.records());
        out.printf(
            "bytes in use / budget:     %,d / %,d (%.1f%%)%n",
            summary.bytesInUse(),
            summary.maxBytes(),
            100.0 * summary.bytesInUse() / summary.maxBytes());
        out.printf("evictions:                 %,d%n", summary.evictions());
        out.printf(
            "latest revision:           %,d (= %,d writes + %,d evictions)%n",
            summary.revision(), summary.writes(), summary.evictions());
        return summary;
      }
    }
  }

  private void fill(OffHeapBucket bucket) {
    UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
    UnsafeBuffer value = new UnsafeBuffer(new byte[FILL_VALUE_LENGTH]);
    long maxSeen = 0;
    for (int i = 1; i <= FILL_COUNT; i++) {
      int keyLength = key.putStringWithoutLengthAscii(0, String.format("item-%06d", i));
      value.setMemory(0, FILL_VALUE_LENGTH, (byte) i);
      count(bucket.put(key, 0, keyLength, value, 0, FILL_VALUE_LENGTH, 0L));
      maxSeen = Math.max(maxSeen, bucket.bytesInUse());
      if (i % 10_000 == 0) {
        out.printf(
            "  after %,6d writes: %,9d bytes in use (<= %,d), %,6d entries, " + "%,6d evictions%n",
            i, bucket.bytesInUse(), bucket.maxBytes(), bucket.entryCount(), bucket.evictions());
      }
    }
    out.printf(
        "most bytes in use seen after any write: %,d (budget %,d)%n", maxSeen, bucket.maxBytes());
    out.printf(
        "eviction made the room: item-000001 is %s, item-%06d is %s%n",
        present(bucket, "item-000001"),
        FILL_COUNT,
        present(bucket, String.format("item-%06d", FILL_COUNT)));
  }

  /** Polls until the cursor has nothing new; returns how many records it delivered. */
  private static int drain(WatchCursor cursor) {
    int total = 0;
    WatchHandler quiet = record -> {};
    for (int batch = cursor.poll(quiet, 4096); batch > 0; batch = cursor.poll(quiet, 4096)) {
      total += batch;
    }
    return total;
  }

  private void put(OffHeapBucket bucket, String key, String value) {
    long outcome = bucket.put(buffer(key), 0, length(key), buffer(value), 0, length(value), 0L);
    out.printf("put %s=\"%s\" -> %s%n", key, value, describe(count(outcome)));
  }

  private void update(OffHeapBucket bucket, String key, String value, long expected) {
    long outcome =
        bucket.update(buffer(key), 0, length(key), buffer(value), 0, length(value), 0L, expected);
    out.printf(
        "update %s=\"%s\" if at revision %d -> %s%n",
        key, value, expected, describe(count(outcome)));
  }

  private void get(OffHeapBucket bucket, String key) {
    int length = bucket.get(buffer(key), 0, length(key), valueOut, 0, info);
    if (length == OffHeapBucket.NOT_FOUND) {
      out.printf("get %s -> not found%n", key);
    } else {
      out.printf(
          "get %s -> \"%s\" (revision %d)%n",
          key, valueOut.getStringWithoutLengthUtf8(0, length), info.revision());
    }
  }

  private RecordInfo info(OffHeapBucket bucket, String key) {
    bucket.get(buffer(key), 0, length(key), null, 0, info);
    return info;
  }

  private long count(long outcome) {
    if (WriteOutcome.succeeded(outcome)) {
      writes++;
    }
    return outcome;
  }

  private static String present(OffHeapBucket bucket, String key) {
    return bucket.containsKey(buffer(key), 0, length(key)) ? "present" : "gone";
  }

  private static String describe(long outcome) {
    return WriteOutcome.succeeded(outcome)
        ? "revision " + outcome
        : "refused, the key is at revision " + WriteOutcome.currentRevision(outcome);
  }

  private static String show(RecordView record) {
    String key = record.buffer().getStringWithoutLengthUtf8(record.keyOffset(), record.keyLength());
    String value =
        record.op().isMarker()
            ? ""
            : "=\""
                + record
                    .buffer()
                    .getStringWithoutLengthUtf8(record.valueOffset(), record.valueLength())
                + "\"";
    return "revision " + record.revision() + " " + record.op() + " " + key + value;
  }

  private void heading(String title) {
    out.printf("%n== %s%n", title);
  }

  private static DirectBuffer buffer(String text) {
    return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
  }

  private static int length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Prints what a watch cursor delivers. */
  private final class Printer implements WatchHandler {
    @Override
    public void onRecord(RecordView record) {
      out.printf("  watch: %s%n", show(record));
    }

    @Override
    public void onEndOfData() {
      out.printf("  watch: end of replay; live changes follow%n");
    }
  }
}
