package dev.cellar.internal.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The near tier's fill-and-validate protocol, step by step on one thread. */
class NearTierUnitTest {
  private static final long NOW = 1_000_000L;

  private final NearTier<String, String> tier =
      new NearTier<>(
          100,
          new ImmutableTypes(List.of()),
          Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

  private static UnsafeBuffer bytes(String key) {
    return new UnsafeBuffer(key.getBytes(StandardCharsets.UTF_8));
  }

  private void fillAsAReaderWould(String key, String value, long expireAt) {
    UnsafeBuffer encoded = bytes(key);
    int slot = tier.slot(encoded, 0, encoded.capacity());
    tier.fill(key, value, slot, tier.epoch(slot), expireAt);
  }

  @Test
  void aFilledValueIsServedUntilItsKeyIsWritten() {
    fillAsAReaderWould("k", "v", 0);
    String held = tier.get("k");
    assertEquals("v", held);
    assertSame(held, tier.get("k"));
    assertEquals(2, tier.hits());

    UnsafeBuffer key = bytes("k");
    tier.invalidate(key, 0, key.capacity());
    assertNull(tier.get("k"));
    assertEquals(2, tier.hits());
  }

  @Test
  void aFillWhoseEpochPredatesAWriteIsNeverServed() {
    UnsafeBuffer key = bytes("k");
    int slot = tier.slot(key, 0, key.capacity());
    long epoch = tier.epoch(slot); // the reader takes the epoch, then reads the old value...
    tier.invalidate(key, 0, key.capacity()); // ...a write finishes before it fills...
    tier.fill("k", "old", slot, epoch, 0); // ...and the fill lands afterwards
    assertNull(tier.get("k"));
  }

  @Test
  void aValueIsNotServedFromTheMillisecondItIsDue() {
    fillAsAReaderWould("due-later", "a", NOW + 1);
    fillAsAReaderWould("due-now", "b", NOW);
    assertEquals("a", tier.get("due-later"));
    assertNull(tier.get("due-now"));
  }

  @Test
  void invalidateAllRefusesEverythingHeldAndEveryFillInFlight() {
    UnsafeBuffer key = bytes("in-flight");
    int slot = tier.slot(key, 0, key.capacity());
    long epoch = tier.epoch(slot);
    fillAsAReaderWould("a", "1", 0);
    tier.invalidateAll();
    tier.fill("in-flight", "x", slot, epoch, 0);
    assertNull(tier.get("a"));
    assertNull(tier.get("in-flight"));
  }

  @Test
  void onlyImmutableKeysAndValuesAreHeld() {
    NearTier<Object, Object> objects =
        new NearTier<>(10, new ImmutableTypes(List.of()), Clock.systemUTC());
    objects.fill("key", new StringBuilder("mutable"), 0, objects.epoch(0), 0);
    objects.fill(new StringBuilder("mutable key"), "value", 0, objects.epoch(0), 0);
    assertNull(objects.get("key"));
    assertEquals(0, objects.size());
    assertThrows(
        IllegalArgumentException.class,
        () -> new NearTier<>(0, new ImmutableTypes(List.of()), Clock.systemUTC()));
  }
}
