package dev.cellar.internal.bucket;

import dev.cellar.Atomic;
import dev.cellar.Bucket;
import dev.cellar.BucketEntry;
import dev.cellar.BucketStatus;
import dev.cellar.KeyFilter;
import dev.cellar.KeyPage;
import dev.cellar.Operation;
import dev.cellar.Watch;
import dev.cellar.WatchOption;
import dev.cellar.Watcher;
import dev.cellar.engine.EntryCursor;
import dev.cellar.engine.OffHeapBucket;
import dev.cellar.engine.RecordOp;
import dev.cellar.engine.RecordView;
import dev.cellar.engine.WatchCursor;
import dev.cellar.engine.WatchStart;
import dev.cellar.engine.WriteOutcome;
import dev.cellar.internal.cache.CacheCodec;
import dev.cellar.internal.cache.ExpiryCalculator;
import dev.cellar.internal.cache.KeyLocks;
import dev.cellar.internal.cache.KeyedWrites;
import dev.cellar.internal.event.EventDispatcher;
import dev.cellar.internal.management.CacheStatistics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Bucket} view of one cache, over the cache's engine bucket, codec, key locks, event
 * dispatcher and statistics. Writes run as the cache's own writes do: key and value encoded before
 * any lock, the key locked around the engine call, synchronous listeners awaited after the lock is
 * released; JCache events come from the engine's observer, so they need nothing here.
 */
public final class CacheBucket<K, V> implements Bucket<K, V> {
  /** What the bucket needs of its cache besides the shared parts. */
  public interface Host {
    /** Throws {@link IllegalStateException} when the cache is closed. */
    void ensureOpen();

    /** True while the cache counts statistics. */
    boolean statisticsEnabled();
  }

  /** The parts of the cache the bucket works on, shared with the cache. */
  public record Parts<K, V>(
      String name,
      OffHeapBucket engine,
      CacheCodec<K, V> codec,
      KeyLocks locks,
      KeyedWrites<K, V> writes,
      EventDispatcher<K, V> events,
      CacheStatistics statistics,
      ExpiryCalculator expiry,
      Clock clock,
      int history,
      Host host) {}

  private final String name;
  private final OffHeapBucket engine;
  private final CacheCodec<K, V> codec;
  private final CacheStatistics statistics;
  private final ExpiryCalculator expiry;
  private final Clock clock;
  private final int history;
  private final Host host;
  private final ListCursors cursors = new ListCursors();
  private final Set<BucketWatch<K, V>> watches = ConcurrentHashMap.newKeySet();
  private final Parts<K, V> parts;

  /** The bucket view over {@code parts}. */
  public CacheBucket(Parts<K, V> parts) {
    this.name = parts.name();
    this.engine = parts.engine();
    this.codec = parts.codec();
    this.statistics = parts.statistics();
    this.expiry = parts.expiry();
    this.clock = parts.clock();
    this.history = parts.history();
    this.host = parts.host();
    this.parts = parts;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long revision() {
    host.ensureOpen();
    return engine.revision();
  }

  // ------------------------------------------------------------------ reads

  @Override
  public @Nullable BucketEntry<K, V> get(K key) {
    host.ensureOpen();
    Objects.requireNonNull(key, "key");
    CacheCodec.Scratch scratch = codec.acquire();
    try {
      codec.encodeKey(key, scratch);
      int length = engine.get(scratch.key, 0, scratch.keyLength, scratch.read, 0, scratch.info);
      if (length < 0) {
        return null;
      }
      long expireAt = scratch.info.expireAt();
      return new Entry<>(
          name,
          key,
          codec.decodeValue(scratch.read, length),
          scratch.info.revision(),
          Operation.PUT,
          Instant.ofEpochMilli(scratch.info.writeTime()),
          expireAt == 0 ? null : Instant.ofEpochMilli(expireAt));
    } finally {
      scratch.release();
    }
  }

  @Override
  public @Nullable BucketEntry<K, V> get(K key, long revision) {
    host.ensureOpen();
    Objects.requireNonNull(key, "key");
    if (revision < 1) {
      return null; // 0 and below name no record, so there is none to return
    }
    List<BucketEntry<K, V>> found = new ArrayList<>(1);
    CacheCodec.Scratch scratch = codec.acquire();
    try {
      codec.encodeKey(key, scratch);
      engine.atRevision(
          scratch.key, 0, scratch.keyLength, revision, record -> found.add(entry(key, record)));
    } finally {
      scratch.release();
    }
    return found.isEmpty() ? null : found.get(0);
  }

  @Override
  public List<BucketEntry<K, V>> history(K key) {
    host.ensureOpen();
    Objects.requireNonNull(key, "key");
    List<BucketEntry<K, V>> records = new ArrayList<>();
    CacheCodec.Scratch scratch = codec.acquire();
    try {
      codec.encodeKey(key, scratch);
      engine.history(scratch.key, 0, scratch.keyLength, record -> records.add(entry(key, record)));
    } finally {
      scratch.release();
    }
    return List.copyOf(records);
  }

  @Override
  public Stream<K> keys() {
    return keys(KeyFilter.all());
  }

  @Override
  public Stream<K> keys(KeyFilter filter) {
    host.ensureOpen();
    Objects.requireNonNull(filter, "filter");
    EntryCursor cursor = engine.entries();
    Spliterator<K> keys =
        new Spliterators.AbstractSpliterator<K>(
            Long.MAX_VALUE, Spliterator.DISTINCT | Spliterator.NONNULL) {
          @Override
          public boolean tryAdvance(Consumer<? super K> action) {
            while (cursor.next()) {
              RecordView record = cursor.current();
              K key = codec.decodeKey(record.buffer(), record.keyOffset(), record.keyLength());
              if (filter.matches(key)) {
                action.accept(key);
                return true;
              }
            }
            return false;
          }
        };
    return StreamSupport.stream(keys, false);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each call reads and sorts every matching live key. Keys whose string forms are equal (as
   * {@code 1} and {@code "1"} in an {@code Object} cache) sort in no set order, and a page boundary
   * between them loses the second.
   */
  @Override
  public KeyPage<K> list(KeyFilter filter, @Nullable String cursor, int limit) {
    host.ensureOpen();
    Objects.requireNonNull(filter, "filter");
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    String after = cursor == null ? null : cursors.decode(cursor);
    List<Map.Entry<String, K>> found = new ArrayList<>();
    try (Stream<K> keys = keys(filter)) {
      keys.forEach(
          key -> {
            String form = String.valueOf(key);
            if (after == null || form.compareTo(after) > 0) {
              found.add(new SimpleImmutableEntry<>(form, key));
            }
          });
    }
    found.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    boolean complete = found.size() <= limit;
    List<Map.Entry<String, K>> page = complete ? found : found.subList(0, limit);
    List<K> keys = new ArrayList<>(page.size());
    for (Map.Entry<String, K> entry : page) {
      keys.add(entry.getValue());
    }
    String next = complete ? null : cursors.encode(page.get(page.size() - 1).getKey());
    return new Page<>(List.copyOf(keys), next, complete);
  }

  @Override
  public BucketStatus status() {
    host.ensureOpen();
    // expire due values first, so that entries() never counts a value past its time
    engine.sweepExpired();
    return new Status(
        name,
        engine.entryCount(),
        engine.recordCount(),
        engine.bytesInUse(),
        engine.maxBytes(),
        history,
        engine.revision(),
        engine.evictions(),
        engine.expirations(),
        engine.forgottenMarkerBytes());
  }

  // ------------------------------------------------------------------ writes

  @Override
  public long put(K key, V value) {
    host.ensureOpen();
    checkEntry(key, value);
    long start = System.nanoTime();
    long revision = write(key, value, this::storeByPolicy);
    countPut(revision, start);
    return revision;
  }

  @Override
  public long put(K key, V value, Duration ttl) {
    host.ensureOpen();
    checkEntry(key, value);
    checkTtl(ttl);
    long start = System.nanoTime();
    long revision =
        write(
            key,
            value,
            scratch ->
                engine.put(
                    scratch.key,
                    0,
                    scratch.keyLength,
                    scratch.value,
                    0,
                    scratch.valueLength,
                    expireAt(ttl)));
    countPut(revision, start);
    return revision;
  }

  @Override
  public long create(K key, V value) {
    host.ensureOpen();
    checkEntry(key, value);
    long start = System.nanoTime();
    long revision =
        write(
            key,
            value,
            scratch -> {
              long expireAt = expiry.forCreation(clock.millis());
              return expireAt == ExpiryCalculator.DO_NOT_STORE ? 0 : create(scratch, expireAt);
            });
    countPut(revision, start);
    return revision;
  }

  @Override
  public long create(K key, V value, Duration ttl) {
    host.ensureOpen();
    checkEntry(key, value);
    checkTtl(ttl);
    long start = System.nanoTime();
    long revision = write(key, value, scratch -> create(scratch, expireAt(ttl)));
    countPut(revision, start);
    return revision;
  }

  @Override
  public long update(K key, V value, long expectedRevision) {
    host.ensureOpen();
    checkEntry(key, value);
    checkExpected(expectedRevision);
    long start = System.nanoTime();
    long revision =
        write(
            key,
            value,
            scratch -> {
              long expireAt = expireAtByPolicy(scratch);
              if (expireAt == ExpiryCalculator.DO_NOT_STORE) {
                return 0;
              }
              long outcome =
                  engine.update(
                      scratch.key,
                      0,
                      scratch.keyLength,
                      scratch.value,
                      0,
                      scratch.valueLength,
                      expireAt,
                      expectedRevision);
              return Math.max(outcome, 0);
            });
    countPut(revision, start);
    return revision;
  }

  @Override
  public long delete(K key) {
    host.ensureOpen();
    Objects.requireNonNull(key, "key");
    return deleteExpecting(key, WriteOutcome.ANY_REVISION);
  }

  @Override
  public long delete(K key, long expectedRevision) {
    host.ensureOpen();
    Objects.requireNonNull(key, "key");
    checkExpected(expectedRevision);
    return deleteExpecting(key, expectedRevision);
  }

  @Override
  public long purge(K key) {
    host.ensureOpen();
    Objects.requireNonNull(key, "key");
    return purgeExpecting(key, WriteOutcome.ANY_REVISION);
  }

  @Override
  public long purge(K key, long expectedRevision) {
    host.ensureOpen();
    Objects.requireNonNull(key, "key");
    checkExpected(expectedRevision);
    return purgeExpecting(key, expectedRevision);
  }

  @Override
  public int purgeDeletes() {
    host.ensureOpen();
    return engine.purgeDeletes();
  }

  // ------------------------------------------------------------------ watch and atomic

  /**
   * {@inheritDoc}
   *
   * <p>{@link WatchOption#UPDATES_ONLY} wins over {@link WatchOption#INCLUDE_HISTORY}. Delivery
   * runs on a daemon thread of the watch; an exception thrown by the watcher is logged and delivery
   * goes on. The watch ends by itself when the cache closes.
   */
  @Override
  public Watch watch(KeyFilter filter, Watcher<K, V> watcher, WatchOption... options) {
    host.ensureOpen();
    Set<WatchOption> chosen = checkWatch(filter, watcher, options);
    WatchStart start =
        chosen.contains(WatchOption.UPDATES_ONLY)
            ? WatchStart.UPDATES_ONLY
            : chosen.contains(WatchOption.INCLUDE_HISTORY)
                ? WatchStart.INCLUDE_HISTORY
                : WatchStart.LAST_PER_KEY;
    return startWatch(engine.watch(start, 1), filter, watcher, chosen);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@link WatchOption#INCLUDE_HISTORY} and {@link WatchOption#UPDATES_ONLY} change nothing
   * here: the replay is every retained record from {@code fromRevision}.
   */
  @Override
  public Watch watch(
      KeyFilter filter, long fromRevision, Watcher<K, V> watcher, WatchOption... options) {
    host.ensureOpen();
    Set<WatchOption> chosen = checkWatch(filter, watcher, options);
    if (fromRevision < 1) {
      throw new IllegalArgumentException("fromRevision must be at least 1, was " + fromRevision);
    }
    return startWatch(
        engine.watch(WatchStart.FROM_REVISION, fromRevision), filter, watcher, chosen);
  }

  /** How many watches are open: started and neither closed nor ended with the cache. */
  public int openWatches() {
    return watches.size();
  }

  /**
   * How many revisions the slowest open watch is behind the bucket's latest revision: the latest
   * minus the revision up to which that watch has handled every record; 0 when no watch is open.
   */
  public long maxWatchLag() {
    long latest = engine.revision();
    long lag = 0;
    for (BucketWatch<K, V> watch : watches) {
      lag = Math.max(lag, latest - watch.consumed());
    }
    return lag;
  }

  private Watch startWatch(
      WatchCursor cursor, KeyFilter filter, Watcher<K, V> watcher, Set<WatchOption> options) {
    BucketWatch<K, V> watch =
        new BucketWatch<>(
            name,
            cursor,
            filter,
            watcher,
            options.contains(WatchOption.IGNORE_DELETES),
            !options.contains(WatchOption.META_ONLY),
            new BucketWatch.KeyDecoder<>() {
              @Override
              public K key(RecordView record) {
                return codec.decodeKey(record.buffer(), record.keyOffset(), record.keyLength());
              }

              @Override
              public BucketEntry<K, V> entry(K key, RecordView record, boolean withValue) {
                return CacheBucket.this.entry(key, record, withValue);
              }
            },
            watches::remove);
    watches.add(watch); // before the thread starts, so that its end always finds it
    watch.start();
    return watch;
  }

  private static Set<WatchOption> checkWatch(
      KeyFilter filter, Watcher<?, ?> watcher, WatchOption[] options) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(watcher, "watcher");
    Set<WatchOption> chosen = EnumSet.noneOf(WatchOption.class);
    for (WatchOption option : Objects.requireNonNull(options, "options")) {
      chosen.add(Objects.requireNonNull(option, "options holds a null"));
    }
    return chosen;
  }

  /** A new multi-key commit over this bucket; see {@link CacheAtomic}. */
  @Override
  public Atomic<K, V> atomic() {
    host.ensureOpen();
    return new CacheAtomic<>(this, parts);
  }

  @Override
  public String toString() {
    return "CacheBucket{" + name + '}';
  }

  // ------------------------------------------------------------------ the write frame

  /**
   * One engine write, run with the key locked; returns a revision or 0. Adapts the frame's body,
   * which is also told whether a value existed; bucket writes read nothing first.
   */
  private interface Write extends KeyedWrites.Body {
    long write(CacheCodec.Scratch scratch);

    @Override
    default long apply(CacheCodec.Scratch scratch, boolean existed) {
      return write(scratch);
    }
  }

  /**
   * Runs {@code write} in the cache's write frame: encoded before any lock, the key locked,
   * synchronous listeners told afterwards, as the cache's own writes are. The only user code a
   * bucket write may call is a custom expiry policy; the writer is never called.
   */
  private long write(K key, @Nullable V value, Write write) {
    return parts.writes().run(key, value, KeyedWrites.Read.NOTHING, expiry.custom(), write);
  }

  /**
   * Stores the value with the expiry {@code Cache.put} would give it; retries when an expiry or an
   * eviction changed the key between the read and the write. 0 when the policy says not to store.
   */
  private long storeByPolicy(CacheCodec.Scratch scratch) {
    while (true) {
      long expireAt = expireAtByPolicy(scratch);
      if (expireAt == ExpiryCalculator.DO_NOT_STORE) {
        return 0;
      }
      long expected = hasLive(scratch) ? scratch.info.revision() : 0;
      long outcome =
          engine.update(
              scratch.key,
              0,
              scratch.keyLength,
              scratch.value,
              0,
              scratch.valueLength,
              expireAt,
              expected);
      if (WriteOutcome.succeeded(outcome)) {
        return outcome;
      }
    }
  }

  /** The policy's expiry for writing over the key as it is now (reads it into the scratch). */
  private long expireAtByPolicy(CacheCodec.Scratch scratch) {
    long now = clock.millis();
    return hasLive(scratch) ? expiry.forUpdate(now) : expiry.forCreation(now);
  }

  /** Reads the key's live value's metadata into the scratch; false when it has none. */
  private boolean hasLive(CacheCodec.Scratch scratch) {
    return engine.get(scratch.key, 0, scratch.keyLength, null, 0, scratch.info) >= 0;
  }

  private long create(CacheCodec.Scratch scratch, long expireAt) {
    long outcome =
        engine.create(
            scratch.key, 0, scratch.keyLength, scratch.value, 0, scratch.valueLength, expireAt);
    return Math.max(outcome, 0);
  }

  private long deleteExpecting(K key, long expected) {
    long start = System.nanoTime();
    long revision =
        write(
            key,
            null,
            scratch -> Math.max(engine.delete(scratch.key, 0, scratch.keyLength, expected), 0));
    if (revision > 0 && host.statisticsEnabled()) {
      statistics.removals(1);
      statistics.removeTime(System.nanoTime() - start);
    }
    return revision;
  }

  private long purgeExpecting(K key, long expected) {
    long start = System.nanoTime();
    boolean[] removedValue = new boolean[1];
    long revision =
        write(
            key,
            null,
            scratch -> {
              // only a purge over a live value is a removal for the statistics
              boolean live = hasLive(scratch);
              long outcome = Math.max(engine.purge(scratch.key, 0, scratch.keyLength, expected), 0);
              removedValue[0] = live && outcome > 0;
              return outcome;
            });
    if (removedValue[0] && host.statisticsEnabled()) {
      statistics.removals(1);
      statistics.removeTime(System.nanoTime() - start);
    }
    return revision;
  }

  private void countPut(long revision, long start) {
    if (revision > 0 && host.statisticsEnabled()) {
      statistics.puts(1);
      statistics.putTime(System.nanoTime() - start);
    }
  }

  // ------------------------------------------------------------------ conversions and checks

  private BucketEntry<K, V> entry(K key, RecordView record) {
    return entry(key, record, true);
  }

  private BucketEntry<K, V> entry(K key, RecordView record, boolean withValue) {
    RecordOp op = record.op();
    V value =
        op == RecordOp.PUT && withValue
            ? codec.decodeValue(record.buffer(), record.valueOffset(), record.valueLength())
            : null;
    long expireAt = record.expireAt();
    return new Entry<>(
        name,
        key,
        value,
        record.revision(),
        Operation.valueOf(op.name()),
        Instant.ofEpochMilli(record.writeTime()),
        op == RecordOp.PUT && expireAt != 0 ? Instant.ofEpochMilli(expireAt) : null);
  }

  /** Expire-at for a value written now to live {@code ttl}, in whole milliseconds rounded up. */
  long expireAt(Duration ttl) {
    checkTtl(ttl);
    long millis;
    try {
      millis = ttl.toMillis();
      if (Duration.ofMillis(millis).compareTo(ttl) < 0) {
        millis++;
      }
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
    long now = clock.millis();
    long at = now + millis;
    return at < now ? Long.MAX_VALUE : at;
  }

  static void checkTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a ttl must be positive, was " + ttl);
    }
  }

  private static void checkExpected(long expectedRevision) {
    if (expectedRevision < 0) {
      throw new IllegalArgumentException(
          "an expected revision must not be negative, was " + expectedRevision);
    }
  }

  private static void checkEntry(@Nullable Object key, @Nullable Object value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
