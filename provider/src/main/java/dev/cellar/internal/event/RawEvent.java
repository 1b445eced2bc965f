package dev.cellar.internal.event;

import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A mutation copied out of the engine's lock as bytes; decoded into objects only when a listener
 * receives it, outside every lock.
 */
record RawEvent(
    EventType type, byte[] key, byte @Nullable [] value, byte @Nullable [] oldValue, int stripe) {}
