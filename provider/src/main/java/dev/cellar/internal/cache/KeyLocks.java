package dev.cellar.internal.cache;

import java.util.concurrent.locks.ReentrantLock;
import org.agrona.DirectBuffer;

/**
 * Striped per-key locks, chosen by the key's encoded bytes. Operations that run user code (loader,
 * writer, entry processor, expiry policy) between reading and writing a key hold its stripe, so
 * that the read-decide-write sequence is atomic for JCache callers. The order is always stripe,
 * then the engine's segment; several stripes are taken in index order.
 */
public final class KeyLocks {
  private static final int STRIPES = 1024;

  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

  /** A fresh set of stripes. */
  public KeyLocks() {
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** The stripe index of the key in {@code length} bytes of {@code key}. */
  static int stripe(DirectBuffer key, int length) {
    // Eight bytes at a time: every JCache write hashes its key here before the engine does.
    return KeyBytesHash.hash(key, 0, length) & (STRIPES - 1);
  }

  /** The stripe index (0 to 1023) of the key in {@code length} bytes of {@code key}. */
  public static int stripeOf(DirectBuffer key, int length) {
    return stripe(key, length);
  }

  /** The lock of stripe {@code index}; take several in increasing index. */
  public ReentrantLock stripe(int index) {
    return locks[index];
  }

  /** The lock of the key in {@code length} bytes of {@code key}. */
  public ReentrantLock forKey(DirectBuffer key, int length) {
    return locks[stripe(key, length)];
  }
}
