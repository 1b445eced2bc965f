package dev.cellar.internal.cache;

import dev.cellar.Serializer;
import dev.cellar.engine.RecordInfo;
import dev.cellar.internal.serial.Serializers;
import javax.cache.CacheException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jspecify.annotations.Nullable;

/**
 * A cache's key and value serializers, with per-thread scratch buffers so that encoding and
 * decoding allocate nothing but the objects returned. A serializer failure becomes a {@link
 * CacheException} that names the class, thrown before anything is stored.
 */
public final class CacheCodec<K, V> {
  private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

  private final Serializer<K> keys;
  private final Serializer<V> values;

  /** A codec over these serializers. */
  public CacheCodec(Serializer<K> keys, Serializer<V> values) {
    this.keys = keys;
    this.values = values;
  }

  /** The configured serializer if there is one, else the built-in one for {@code type}. */
  public static <T> Serializer<T> serializerFor(
      @Nullable Serializer<T> configured,
      Class<T> type,
      ClassLoader classLoader,
      @Nullable String filterPattern) {
    return configured != null ? configured : Serializers.forType(type, classLoader, filterPattern);
  }

  /** This thread's scratch buffers (fresh ones when a re-entrant call already holds them). */
  public Scratch acquire() {
    Scratch scratch = CURRENT.get();
    if (scratch.inUse) {
      scratch = new Scratch();
    }
    scratch.inUse = true;
    return scratch;
  }

  /** Encodes {@code key} into the scratch's key buffer. */
  public void encodeKey(K key, Scratch scratch) {
    try {
      scratch.keyLength = keys.write(key, scratch.key, 0);
    } catch (CacheException e) {
      // Serializers speak of values; say it was the key that failed.
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new CacheException(
          "cannot serialize key of class " + key.getClass().getName() + ": " + cause, e);
    } catch (Exception e) {
      throw new CacheException(
          "cannot serialize key of class " + key.getClass().getName() + ": " + e, e);
    }
  }

  /** Encodes {@code value} into the scratch's value buffer. */
  public void encodeValue(V value, Scratch scratch) {
    try {
      scratch.valueLength = values.write(value, scratch.value, 0);
    } catch (CacheException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheException(
          "cannot serialize value of class " + value.getClass().getName() + ": " + e, e);
    }
  }

  /** Decodes the value held in the first {@code length} bytes of {@code buffer}. */
  public V decodeValue(DirectBuffer buffer, int length) {
    return decodeValue(buffer, 0, length);
  }

  /** Decodes the value held in {@code length} bytes of {@code buffer} from {@code offset}. */
  public V decodeValue(DirectBuffer buffer, int offset, int length) {
    try {
      return values.read(buffer, offset, length);
    } catch (CacheException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheException("cannot deserialize a value: " + e, e);
    }
  }

  /** Decodes the key held in {@code length} bytes of {@code buffer} from {@code offset}. */
  public K decodeKey(DirectBuffer buffer, int offset, int length) {
    try {
      return keys.read(buffer, offset, length);
    } catch (CacheException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheException("cannot deserialize a key: " + e, e);
    }
  }

  /** Decodes a key from bytes an event carries. */
  public K key(byte[] bytes) {
    return decodeKey(new UnsafeBuffer(bytes), 0, bytes.length);
  }

  /** Decodes a value from bytes an event carries. */
  public V value(byte[] bytes) {
    return decodeValue(new UnsafeBuffer(bytes), 0, bytes.length);
  }

  /** True when the encoded value equals, byte for byte, the value read back. */
  public static boolean sameValue(Scratch scratch) {
    if (scratch.valueLength != scratch.readLength) {
      return false;
    }
    for (int i = 0; i < scratch.valueLength; i++) {
      if (scratch.value.getByte(i) != scratch.read.getByte(i)) {
        return false;
      }
    }
    return true;
  }

  /** One thread's buffers for one cache operation. */
  public static final class Scratch {
    /** The most a buffer may hold and still be kept for the thread's next operation. */
    public static final int RETAINED_BYTES = 64 * 1024;

    /** The encoded key. */
    public final ExpandableArrayBuffer key = new ExpandableArrayBuffer(64);

    /** The encoded value to write. */
    public final ExpandableArrayBuffer value = new ExpandableArrayBuffer(256);

    /** The value read back from the cache. */
    public final ExpandableArrayBuffer read = new ExpandableArrayBuffer(256);

    /** The metadata of the value read back. */
    public final RecordInfo info = new RecordInfo();

    /** Bytes of {@link #key} in use. */
    public int keyLength;

    /** Bytes of {@link #value} in use. */
    public int valueLength;

    /** Bytes of {@link #read} in use. */
    public int readLength;

    private boolean inUse;

    /**
     * Gives the buffers back to the thread, unless one of them grew past {@link #RETAINED_BYTES}:
     * then the thread forgets them, so that one large value does not pin its size of heap for as
     * long as the thread lives (a pool of request threads would hold one such buffer each).
     */
    public void release() {
      inUse = false;
      if (key.capacity() > RETAINED_BYTES
          || value.capacity() > RETAINED_BYTES
          || read.capacity() > RETAINED_BYTES) {
        if (CURRENT.get() == this) {
          CURRENT.remove();
        }
      }
    }
  }
}
