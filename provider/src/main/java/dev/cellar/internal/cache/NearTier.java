package dev.cellar.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.agrona.DirectBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Decoded values of hot keys on the heap, in a size-bounded Caffeine cache, so that a repeated read
 * pays neither for the off-heap lookup nor for decoding. Only values of {@link ImmutableTypes} are
 * held, because one instance is handed to every reader.
 *
 * <p><b>Coherence.</b> Every key maps, by a hash of its encoded bytes, to one of a power-of-two
 * number of <em>epochs</em>. The engine's mutation observer, which runs inside the segment's write
 * lock, increments the key's epoch for every record it writes (put, delete, expire, evict, purge,
 * and the bucket view's writes alike); {@code clear()} increments them all after the engine is
 * empty. A value is held together with the epoch its filler read <em>before</em> it read the
 * engine, and served only while that epoch is unchanged. So a reader can never be served a value
 * older than a write that finished before its read began:
 *
 * <ul>
 *   <li>the write incremented the epoch before it finished, so any value filled from an earlier
 *       state of the engine carries an older epoch and is refused;
 *   <li>a filler that read the incremented epoch read the engine after the write (the epoch is read
 *       first, and the increment happens under the segment lock that the engine read validates
 *       against), so what it holds is at least that new.
 * </ul>
 *
 * Epochs only grow, so an old entry can never become valid again. Keys that share an epoch
 * invalidate each other now and then; that costs a refill, never a stale read.
 *
 * <p>Expiry: a held value carries its expire-at and is not served from the moment it is due; the
 * read then goes to the engine, which expires it with the usual event and statistics. A cache whose
 * expiry policy acts on access has no near tier at all, because every read must reach the engine to
 * move the expire-at.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class NearTier<K, V> {
  private static final int MIN_EPOCHS = 1 << 10;
  private static final int MAX_EPOCHS = 1 << 18;

  private final Cache<K, Held<V>> held;
  private final AtomicLongArray epochs;
  private final int mask;
  private final ImmutableTypes types;
  private final Clock clock;
  private final LongAdder hits = new LongAdder();

  /**
   * A near tier of at most {@code maxEntries} values.
   *
   * @param maxEntries at least 1
   * @param types the classes whose instances may be held
   * @param clock the cache's clock, which decides expiry
   */
  public NearTier(long maxEntries, ImmutableTypes types, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
    }
    // Maintenance on the calling thread: nothing runs behind the cache's back on a shared pool.
    this.held = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
    long wanted = Math.min(MAX_EPOCHS, Math.max(MIN_EPOCHS, maxEntries * 2));
    int size = Integer.highestOneBit((int) wanted);
    this.epochs = new AtomicLongArray(size < wanted ? size << 1 : size);
    this.mask = epochs.length() - 1;
    this.types = types;
    this.clock = clock;
  }

  /** The epoch slot of the key in {@code length} bytes of {@code key} from {@code offset}. */
  public int slot(DirectBuffer key, int offset, int length) {
    return KeyBytesHash.hash(key, offset, length) & mask;
  }

  /** The current epoch of {@code slot}; read it before reading the engine, then pass it to fill. */
  public long epoch(int slot) {
    return epochs.get(slot);
  }

  /**
   * The value held for {@code key}, or {@code null} when none is held, the held one was invalidated
   * since it was filled, or it is due to expire now. A value returned is counted as a near hit.
   */
  public @Nullable V get(K key) {
    Held<V> entry = held.getIfPresent(key);
    if (entry == null || epochs.get(entry.slot) != entry.epoch) {
      return null;
    }
    if (entry.expireAt != 0 && clock.millis() >= entry.expireAt) {
      return null;
    }
    hits.increment();
    return entry.value;
  }

  /**
   * Holds {@code value} for {@code key}, as read from the engine after {@link #epoch} gave {@code
   * epoch} for {@code slot}. Does nothing unless both are of immutable types: a key of another type
   * could change after the call, and its {@code equals} need not agree with the encoded bytes the
   * store compares.
   *
   * @param expireAt the record's expire-at in the cache clock's milliseconds, 0 for never
   */
  public void fill(K key, V value, int slot, long epoch, long expireAt) {
    if (types.holds(value) && types.holds(key)) {
      held.put(key, new Held<>(value, slot, epoch, expireAt));
    }
  }

  /** Invalidates whatever is held for the key in the given bytes; the observer calls this. */
  public void invalidate(DirectBuffer key, int offset, int length) {
    epochs.incrementAndGet(slot(key, offset, length));
  }

  /** Invalidates everything; called after the engine was cleared, and on close. */
  public void invalidateAll() {
    for (int i = 0; i < epochs.length(); i++) {
      epochs.incrementAndGet(i);
    }
    held.invalidateAll();
  }

  /** Reads this tier served. */
  public long hits() {
    return hits.sum();
  }

  /** About how many values are held (valid or not yet found invalid). */
  public long size() {
    return held.estimatedSize();
  }

  /** A held value with the epoch it was filled under and its expire-at. */
  private static final class Held<V> {
    final V value;
    final int slot;
    final long epoch;
    final long expireAt;

    Held(V value, int slot, long epoch, long expireAt) {
      this.value = value;
      this.slot = slot;
      this.epoch = epoch;
      this.expireAt = expireAt;
    }
  }
}
