package dev.cellar.benchmarks;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.PermutationSampler;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Keys and key-index sequences shared by every contender of a benchmark, computed before the
 * measurement so that choosing the next key costs one array read.
 *
 * <p>Keys are numbered {@code 0..entries-1}; key {@code i} occupies bytes {@code [i * keyLength, (i
 * + 1) * keyLength)} of {@link #keyBytes}. Every sequence is seeded, so two runs (and two
 * contenders in one run) see exactly the same keys in the same order.
 */
public final class KeySequences {
  /** The skew of the Zipfian distribution, as YCSB and the Caffeine benchmarks use. */
  public static final double ZIPF_EXPONENT = 0.99;

  private KeySequences() {}

  /** How a benchmark thread picks keys. */
  public enum Distribution {
    /** Every key equally likely. */
    UNIFORM,
    /** Zipfian with exponent {@link #ZIPF_EXPONENT}: a few hot keys take most accesses. */
    ZIPFIAN;

    /** The distribution named {@code name}, case-insensitive ("uniform", "zipfian"). */
    public static Distribution of(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * {@code entries} distinct keys of {@code keyLength} bytes (at least 8), back to back. The bytes
   * look random, so that neither contender's hash function is flattered by regular keys, and the
   * first eight bytes of each key are a bijection of its number, so that keys never collide.
   */
  public static byte[] keyBytes(int entries, int keyLength) {
    if (keyLength < Long.BYTES) {
      throw new IllegalArgumentException("keys need at least 8 bytes, was " + keyLength);
    }
    byte[] keys = new byte[Math.multiplyExact(entries, keyLength)];
    for (int i = 0; i < entries; i++) {
      long unique = mix(i);
      long filler = mix(unique ^ 0x5851F42D4C957F2DL);
      int offset = i * keyLength;
      for (int b = 0; b < keyLength; b++) {
        long source = b < Long.BYTES ? unique : filler;
        keys[offset + b] = (byte) (source >>> (8 * (b % Long.BYTES)));
      }
    }
    return keys;
  }

  /**
   * {@code length} key numbers in {@code [0, entries)} drawn from {@code distribution}.
   *
   * <p>For Zipfian, rank 1 (the hottest) is mapped through a permutation fixed by {@code
   * permutationSeed}, so that hot keys are scattered over memory as in a real cache rather than
   * sitting next to each other in load order. All threads of a run share that permutation (the same
   * keys are hot for everyone) and differ in {@code seed}.
   */
  public static int[] sequence(
      Distribution distribution, int entries, int length, long seed, long permutationSeed) {
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    int[] sequence = new int[length];
    switch (distribution) {
      case UNIFORM -> {
        for (int i = 0; i < length; i++) {
          sequence[i] = rng.nextInt(entries);
        }
      }
      case ZIPFIAN -> {
        int[] rankToKey = PermutationSampler.natural(entries);
        PermutationSampler.shuffle(
            RandomSource.XO_RO_SHI_RO_128_PP.create(permutationSeed), rankToKey);
        RejectionInversionZipfSampler zipf =
            new RejectionInversionZipfSampler(rng, entries, ZIPF_EXPONENT);
        for (int i = 0; i < length; i++) {
          sequence[i] = rankToKey[zipf.sample() - 1];
        }
      }
      default -> throw new IllegalArgumentException("unknown distribution " + distribution);
    }
    return sequence;
  }

  /** The SplitMix64 finalizer: a bijection on longs that spreads every input bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
