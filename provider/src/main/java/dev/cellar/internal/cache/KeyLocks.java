package dev.cellar.internal.cache;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Per-key mutual exclusion for a cache's writes, in two strengths that exclude each other.
 *
 * <ul>
 *   <li>A <em>brief</em> lock ({@link #lock}) holds the key's stripe, one of 1,024 locks shared by
 *       keys, for a section that runs no user code: read, decide, write. It allocates nothing.
 *   <li>A <em>claim</em> ({@link #claim}) is a true lock on one key, for a section that runs user
 *       code (a loader, writer, entry processor or custom expiry policy). The stripe is held only
 *       to record the claim and to drop it, never while the user code runs, so user code that calls
 *       back into the cache on other keys can deadlock only on a real cycle of keys, as with the
 *       reference implementation's per-key locks.
 * </ul>
 *
 * <p>A brief lock waits while another thread claims its key; the claiming thread itself passes
 * (claims are reentrant, and so is the nesting of a brief lock inside a claim). Each stripe counts
 * its claims, so a brief lock on a stripe with none pays one field read for them. The stripe of a
 * key is chosen by its encoded bytes; several stripes are taken in index order.
 */
public final class KeyLocks {
  private static final int STRIPES = 1024;

  private final Stripe[] stripes = new Stripe[STRIPES];

  /** A fresh set of stripes, none claimed. */
  public KeyLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  /** The stripe index (0 to 1023) of the key in {@code length} bytes of {@code key}. */
  public static int stripeOf(DirectBuffer key, int length) {
    // Eight bytes at a time: every JCache write hashes its key here before the engine does.
    return KeyBytesHash.hash(key, 0, length) & (STRIPES - 1);
  }

  /**
   * Locks the key for a section that runs no user code, once no other thread claims it; pass the
   * result to {@link #unlock}. Only the engine and the cache's own code may run until then.
   */
  public Stripe lock(DirectBuffer key, int length) {
    Stripe stripe = stripes[stripeOf(key, length)];
    stripe.lock.lock();
    if (stripe.claimCount != 0) {
      stripe.awaitUnclaimed(key, length);
    }
    return stripe;
  }

  /** Releases a lock taken with {@link #lock}. */
  public void unlock(Stripe stripe) {
    stripe.lock.unlock();
  }

  /**
   * Claims the key for a section that may run user code, waiting while another thread claims it;
   * reentrant. Pass the result to {@link #release}. No stripe stays held.
   */
  public Claim claim(DirectBuffer key, int length) {
    Stripe stripe = stripes[stripeOf(key, length)];
    Thread self = Thread.currentThread();
    stripe.lock.lock();
    try {
      while (true) {
        Claim claim = stripe.find(key, length);
        if (claim == null) {
          byte[] bytes = new byte[length];
          key.getBytes(0, bytes);
          claim = new Claim(stripe, bytes, self);
          stripe.add(claim);
          return claim;
        }
        if (claim.owner == self) {
          claim.holds++;
          return claim;
        }
        stripe.released.awaitUninterruptibly();
      }
    } finally {
      stripe.lock.unlock();
    }
  }

  /** Drops one hold of a claim taken with {@link #claim}; the last one wakes the key's waiters. */
  public void release(Claim claim) {
    Stripe stripe = claim.stripe;
    stripe.lock.lock();
    try {
      if (--claim.holds == 0) {
        stripe.remove(claim);
        stripe.released.signalAll();
      }
    } finally {
      stripe.lock.unlock();
    }
  }

  /**
   * Locks several keys at once for a section that runs no user code, once no other thread claims
   * any of them; pass the result to {@link #unlockAll}. A stripe is never held while waiting for a
   * claim on another, so a claimant whose user code needs one of those stripes can always finish.
   */
  public Stripe[] lockAll(List<byte[]> keys) {
    int[] indexes = new int[keys.size()];
    for (int i = 0; i < indexes.length; i++) {
      byte[] key = keys.get(i);
      indexes[i] = stripeOf(new UnsafeBuffer(key), key.length);
    }
    int[] distinct = Arrays.stream(indexes).sorted().distinct().toArray();
    while (true) {
      Stripe[] held = new Stripe[distinct.length];
      for (int i = 0; i < distinct.length; i++) {
        held[i] = stripes[distinct[i]];
        held[i].lock.lock();
      }
      int blocked = firstClaimedByOther(keys, indexes);
      if (blocked < 0) {
        return held;
      }
      unlockAll(held);
      byte[] key = keys.get(blocked);
      Stripe stripe = stripes[indexes[blocked]];
      stripe.lock.lock();
      try {
        stripe.awaitUnclaimed(new UnsafeBuffer(key), key.length);
      } finally {
        stripe.lock.unlock();
      }
    }
  }

  /** Releases the locks taken with {@link #lockAll}, in reverse order. */
  public void unlockAll(Stripe[] held) {
    for (int i = held.length - 1; i >= 0; i--) {
      held[i].lock.unlock();
    }
  }

  private int firstClaimedByOther(List<byte[]> keys, int[] indexes) {
    Thread self = Thread.currentThread();
    for (int i = 0; i < indexes.length; i++) {
      Stripe stripe = stripes[indexes[i]];
      if (stripe.claimCount == 0) {
        continue;
      }
      byte[] key = keys.get(i);
      Claim claim = stripe.find(new UnsafeBuffer(key), key.length);
      if (claim != null && claim.owner != self) {
        return i;
      }
    }
    return -1;
  }

  /** One of the shared locks, with the claims on its keys. Guarded by its own lock. */
  public static final class Stripe {
    private static final Claim[] NONE = new Claim[0];

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private @Nullable Claim[] claims = NONE;
    private int claimCount;

    Stripe() {}

    private void awaitUnclaimed(DirectBuffer key, int length) {
      Thread self = Thread.currentThread();
      Claim claim;
      while ((claim = find(key, length)) != null && claim.owner != self) {
        released.awaitUninterruptibly();
      }
    }

    private @Nullable Claim find(DirectBuffer key, int length) {
      for (int i = 0; i < claimCount; i++) {
        if (claims[i].isFor(key, length)) {
          return claims[i];
        }
      }
      return null;
    }

    private void add(Claim claim) {
      if (claimCount == claims.length) {
        claims = Arrays.copyOf(claims, Math.max(2, claimCount * 2));
      }
      claims[claimCount++] = claim;
    }

    private void remove(Claim claim) {
      for (int i = 0; i < claimCount; i++) {
        if (claims[i] == claim) {
          claims[i] = claims[--claimCount];
          claims[claimCount] = null;
          return;
        }
      }
    }
  }

  /** One thread's hold on one key, taken with {@link #claim}. */
  public static final class Claim {
    private final Stripe stripe;
    private final byte[] key;
    private final Thread owner;
    private int holds = 1;

    private Claim(Stripe stripe, byte[] key, Thread owner) {
      this.stripe = stripe;
      this.key = key;
      this.owner = owner;
    }

    private boolean isFor(DirectBuffer other, int length) {
      if (length != key.length) {
        return false;
      }
      for (int i = 0; i < length; i++) {
        if (key[i] != other.getByte(i)) {
          return false;
        }
      }
      return true;
    }
  }
}
