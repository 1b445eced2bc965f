package dev.cellar.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Large values (one to three and a half pages, so some in buffers of their own and some built from
 * pooled pages) and small ones are rewritten, deleted and purged by two writers in a bucket that
 * must evict, while two readers get, list and walk the history of the same keys and a watcher
 * follows the journal. Every value any of them sees must be whole: the right key, the right length
 * and the body its version wrote, never bytes of another record. No exception may escape, the
 * observer sees only whole values, and the JVM's direct pool never holds more than the budget.
 *
 * <p>Large records are read only under the segment's lock and freed explicitly; a reader that
 * touched one without the lock could read freed memory. With Agrona's bounds checks on, a read of a
 * freed buffer fails a bounds check; with them off it reads freed memory, which may crash the JVM.
 * So the workload also runs in a child JVM with {@code -Dagrona.disable.bounds.checks=true}, which
 * must exit normally.
 *
 * <p>{@code -Dcellar.stress.millis=<n>} sets the load time of each run (default 2000).
 */
class LargeRecordStressTest {
  private static final long LOAD_MILLIS = Long.getLong("cellar.stress.millis", 2000);
  private static final long MIB = 1L << 20;
  private static final long SLACK = 64 * 1024;
  private static final int LARGE_KEYS = 16;
  private static final int SMALL_KEYS = 512;

  /** Value layout: key id (4), length (4), version (8), then a body derived from all three. */
  private static final int VALUE_HEADER = 16;

  @Test
  void largeAndSmallValuesAreReadWholeWhileWritersChurnThem() throws InterruptedException {
    Summary summary = run(LOAD_MILLIS);
    summary.check();
  }

  @Test
  void withoutBoundsChecksReadersNeverTouchFreedMemory() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("--add-exports");
    command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
    command.add("-Dagrona.disable.bounds.checks=true");
    command.add("-Xmx256m");
    command.add("-XX:ErrorFile=target/hs_err_large_stress_%p.log");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LargeRecordStressTest.class.getName());
    command.add(Long.toString(LOAD_MILLIS));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread drain =
        new Thread(
            () -> {
              try (InputStream in = child.getInputStream()) {
                in.transferTo(output);
              } catch (IOException e) {
                // The child's output is only for the failure message.
              }
            });
    drain.start();
    boolean exited = child.waitFor(LOAD_MILLIS + 120_000, TimeUnit.MILLISECONDS);
    if (!exited) {
      child.destroyForcibly();
    }
    drain.join(10_000);
    String text = output.toString(StandardCharsets.UTF_8);
    assertTrue(exited, "the child JVM did not finish:\n" + text);
    assertEquals(0, child.exitValue(), "the child JVM failed or crashed:\n" + text);
    assertTrue(text.contains("whole reads"), text);
  }

  /** The workload for a child JVM: exits 0 when it passed, 1 (after the failure) when not. */
  public static void main(String[] args) throws InterruptedException {
    long millis = args.length > 0 ? Long.parseLong(args[0]) : LOAD_MILLIS;
    Summary summary = run(millis);
    try {
      summary.check();
    } catch (AssertionError e) {
      e.printStackTrace(System.out);
      System.out.flush();
      System.exit(1);
    }
    System.out.println(summary);
    System.out.flush();
  }

  private static Summary run(long millis) throws InterruptedException {
    Summary summary = new Summary();
    long baseline = DirectPool.rawBytes();
    OffHeapBucket bucket =
        new OffHeapBucket(
            BucketConfig.builder()
                .maxBytes(4 * MIB)
                .segments(2)
                .history(2)
                .journalSize(4096)
                .sweepIntervalMillis(0)
                .observer(
                    (previous, record) -> {
                      if (record.op() == RecordOp.PUT) {
                        String problem = check(record, keyIdOf(record));
                        if (problem != null) {
                          summary.failures.add(new AssertionError("observed: " + problem));
                        }
                      }
                    })
                .build());
    try {
      int page = bucket.config().pageSize();
      long largest = bucket.maxRecordLength() - OffHeapBucket.recordOverhead() - 64;
      summary.largeLength = (int) Math.min(page * 7L / 2, largest);
      if (summary.largeLength <= page) {
        throw new IllegalStateException("values cannot be larger than a page here");
      }
      UnsafeBuffer[] keys = new UnsafeBuffer[LARGE_KEYS + SMALL_KEYS];
      for (int id = 0; id < keys.length; id++) {
        keys[id] = TestBytes.utf8("key-" + id);
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int writer = w;
        threads.add(
            thread(summary, "writer-" + w, () -> write(bucket, keys, writer, summary, deadline)));
      }
      for (int r = 0; r < 2; r++) {
        int reader = r;
        threads.add(
            thread(summary, "reader-" + r, () -> read(bucket, keys, reader, summary, deadline)));
      }
      threads.add(thread(summary, "watcher", () -> watch(bucket, summary, deadline)));
      threads.add(
          thread(
              summary,
              "sampler",
              () -> {
                while (System.nanoTime() < deadline && summary.failures.isEmpty()) {
                  long reserved = bucket.bytesReserved();
                  long held = DirectPool.rawBytes() - baseline;
                  summary.highestHeld = Math.max(summary.highestHeld, held);
                  if (reserved > bucket.maxBytes() || held > bucket.maxBytes() + SLACK) {
                    throw new AssertionError(
                        "the bucket reserves "
                            + reserved
                            + " and the JVM's direct pool holds "
                            + held
                            + " bytes for a budget of "
                            + bucket.maxBytes());
                  }
                  Thread.yield();
                }
              }));
      for (Thread thread : threads) {
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      summary.evictions = bucket.evictions();
    } finally {
      bucket.close();
    }
    return summary;
  }

  private static void write(
      OffHeapBucket bucket, UnsafeBuffer[] keys, int writer, Summary summary, long deadline) {
    SplittableRandom random = new SplittableRandom(17 + writer);
    UnsafeBuffer value = new UnsafeBuffer(new byte[summary.largeLength]);
    int page = bucket.config().pageSize();
    long version = (long) writer << 48;
    while (System.nanoTime() < deadline && summary.failures.isEmpty()) {
      boolean large = random.nextInt(4) == 0;
      int id = large ? random.nextInt(LARGE_KEYS) : LARGE_KEYS + random.nextInt(SMALL_KEYS);
      UnsafeBuffer key = keys[id];
      int roll = random.nextInt(100);
      if (roll < 75) {
        int length =
            large
                ? page + 1 + random.nextInt(summary.largeLength - page)
                : VALUE_HEADER + random.nextInt(2000);
        encode(value, id, ++version, length);
        bucket.put(key, 0, key.capacity(), value, 0, length, 0);
        summary.writes.increment();
      } else if (roll < 88) {
        bucket.delete(key, 0, key.capacity(), WriteOutcome.ANY_REVISION);
      } else if (roll < 97) {
        bucket.purge(key, 0, key.capacity(), WriteOutcome.ANY_REVISION);
      } else {
        bucket.purgeDeletes();
      }
    }
  }

  private static void read(
      OffHeapBucket bucket, UnsafeBuffer[] keys, int reader, Summary summary, long deadline) {
    SplittableRandom random = new SplittableRandom(31 + reader);
    UnsafeBuffer destination = new UnsafeBuffer(new byte[summary.largeLength + 8]);
    RecordInfo info = new RecordInfo();
    while (System.nanoTime() < deadline && summary.failures.isEmpty()) {
      int id =
          random.nextBoolean()
              ? random.nextInt(LARGE_KEYS)
              : LARGE_KEYS + random.nextInt(SMALL_KEYS);
      UnsafeBuffer key = keys[id];
      int roll = random.nextInt(100);
      if (roll < 60) {
        int offset = id % 8;
        int length = bucket.get(key, 0, key.capacity(), destination, offset, info);
        if (length != OffHeapBucket.NOT_FOUND) {
          verify(destination, offset, length, id, "get");
          if (info.valueLength() != length) {
            throw new AssertionError("get: info says " + info.valueLength() + ", read " + length);
          }
          summary.reads.increment();
        }
      } else if (roll < 75) {
        bucket.history(key, 0, key.capacity(), record -> visit(record, id, summary, "history"));
      } else if (roll < 85) {
        bucket.latest(key, 0, key.capacity(), record -> visit(record, id, summary, "latest"));
      } else if (roll < 95) {
        long revision = Math.max(1, bucket.revision() - random.nextInt(64));
        bucket.atRevision(
            key, 0, key.capacity(), revision, record -> visit(record, id, summary, "atRevision"));
      } else if (roll < 98) {
        bucket.containsKey(key, 0, key.capacity());
      } else {
        EntryCursor entries = bucket.entries();
        for (int i = 0; i < 16 && entries.next(); i++) {
          RecordView record = entries.current();
          visit(record, keyIdOf(record), summary, "entries");
        }
      }
    }
  }

  private static void watch(OffHeapBucket bucket, Summary summary, long deadline) {
    try (WatchCursor cursor = bucket.watch(WatchStart.LAST_PER_KEY, 0)) {
      WatchHandler handler =
          new WatchHandler() {
            @Override
            public void onRecord(RecordView record) {
              visit(record, keyIdOf(record), summary, "watch");
            }

            @Override
            public void onEndOfData() {}
          };
      while (System.nanoTime() < deadline && summary.failures.isEmpty()) {
        if (cursor.poll(handler, 64) == 0) {
          Thread.yield();
        }
      }
    }
  }

  private static void visit(RecordView record, int id, Summary summary, String where) {
    if (keyIdOf(record) != id) {
      throw new AssertionError(where + ": record of key " + keyIdOf(record) + " for key " + id);
    }
    if (record.op() == RecordOp.PUT) {
      verify(record.buffer(), record.valueOffset(), record.valueLength(), id, where);
      summary.reads.increment();
    } else if (record.valueLength() != 0) {
      throw new AssertionError(where + ": a " + record.op() + " marker with a value");
    }
  }

  private static int keyIdOf(RecordView record) {
    String key = TestBytes.key(record);
    return Integer.parseInt(key.substring(key.indexOf('-') + 1));
  }

  private static void encode(UnsafeBuffer value, int id, long version, int length) {
    value.putInt(0, id);
    value.putInt(4, length);
    value.putLong(8, version);
    for (int i = VALUE_HEADER; i < length; i++) {
      value.putByte(i, body(id, version, i));
    }
  }

  private static byte body(int id, long version, int index) {
    long mixed = (version * 0x9E3779B97F4A7C15L) ^ ((long) id << 32) ^ (index * 0xC2B2AE3DL);
    return (byte) (mixed ^ (mixed >>> 29));
  }

  private static void verify(DirectBuffer buffer, int offset, int length, int id, String where) {
    String problem = check(buffer, offset, length, id);
    if (problem != null) {
      throw new AssertionError(where + ": " + problem);
    }
  }

  private static String check(RecordView record, int id) {
    return check(record.buffer(), record.valueOffset(), record.valueLength(), id);
  }

  /** Null when the value is whole, else what is wrong with it. */
  private static String check(DirectBuffer buffer, int offset, int length, int id) {
    if (length < VALUE_HEADER) {
      return "key " + id + ": a value of " + length + " bytes";
    }
    int storedId = buffer.getInt(offset);
    int storedLength = buffer.getInt(offset + 4);
    long version = buffer.getLong(offset + 8);
    if (storedId != id || storedLength != length) {
      return "key " + id + " read " + length + " bytes of key " + storedId + ", " + storedLength;
    }
    for (int i = VALUE_HEADER; i < length; i++) {
      if (buffer.getByte(offset + i) != body(id, version, i)) {
        return "key " + id + " version " + version + " is torn at byte " + i + " of " + length;
      }
    }
    return null;
  }

  private static Thread thread(Summary summary, String name, Runnable body) {
    Thread thread =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable failure) {
                summary.failures.add(new AssertionError(name + " failed", failure));
              }
            },
            name);
    thread.setDaemon(true);
    return thread;
  }

  /** What one run did and what went wrong in it. */
  private static final class Summary {
    final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final LongAdder writes = new LongAdder();
    final LongAdder reads = new LongAdder();
    // Set before the threads start, or by the sampler alone and read after it joined.
    int largeLength;
    long highestHeld;
    long evictions;

    void check() {
      Throwable first = failures.peek();
      if (first != null) {
        AssertionError error = new AssertionError(failures.size() + " failure(s)", first);
        failures.stream().skip(1).limit(5).forEach(error::addSuppressed);
        throw error;
      }
      assertTrue(writes.sum() > 500, "too few writes to mean anything: " + writes.sum());
      assertTrue(reads.sum() > 500, "too few whole reads to mean anything: " + reads.sum());
      assertTrue(evictions > 0, "the budget should have forced evictions");
    }

    @Override
    public String toString() {
      return writes.sum()
          + " writes, "
          + reads.sum()
          + " whole reads, "
          + evictions
          + " evictions, at most "
          + highestHeld
          + " bytes of direct memory held";
    }
  }
}
