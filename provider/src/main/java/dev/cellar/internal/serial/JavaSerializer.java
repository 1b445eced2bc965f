package dev.cellar.internal.serial;

import dev.cellar.Serializer;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import javax.cache.CacheException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.io.DirectBufferInputStream;
import org.agrona.io.ExpandableDirectBufferOutputStream;

/**
 * Java serialization, the fallback for any {@link java.io.Serializable} value without a built-in
 * encoding. It writes the object stream straight into the buffer and reads it back with the cache
 * manager's class loader under a {@link DeserializationFilter}.
 *
 * <p>Keys written this way are equal as bytes only if their class serializes equal objects
 * identically (no hash-ordered fields, no identity-dependent state).
 */
final class JavaSerializer implements Serializer<Object> {
  private final ClassLoader classLoader;
  private final DeserializationFilter filter;

  JavaSerializer(ClassLoader classLoader, DeserializationFilter filter) {
    this.classLoader = classLoader;
    this.filter = filter;
  }

  /**
   * {@inheritDoc}
   *
   * @throws javax.cache.CacheException naming the value's class and the reason, if the value or
   *     anything it references cannot be serialized; the buffer past {@code offset} may then hold
   *     partial bytes, which the caller discards
   */
  @Override
  public int write(Object value, MutableDirectBuffer buffer, int offset) {
    ExpandableDirectBufferOutputStream out = new ExpandableDirectBufferOutputStream(buffer, offset);
    try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
      objects.writeObject(value);
    } catch (IOException | RuntimeException e) {
      // NotSerializableException names the offending class, which may be a field's, not value's.
      throw SerialFailures.cannotSerialize(value, e);
    } catch (StackOverflowError e) {
      // A graph nested too deeply for this thread (one to two thousand plain objects on a 1 MiB
      // stack). The stack has unwound by now: this is an ordinary failure of this one value.
      throw SerialFailures.cannotSerialize(value, e);
    }
    int length = out.position();
    if (filter.mayReject(length)) {
      // Refuse now what no get could read back: a class the filter refuses, or nesting deeper than
      // it allows or than this thread's stack can read.
      try {
        read(buffer, offset, length);
      } catch (CacheException e) {
        throw new CacheException(
            "cannot store a value of class "
                + value.getClass().getName()
                + ": it could not be read back: "
                + e.getMessage(),
            e);
      }
    }
    return length;
  }

  /**
   * {@inheritDoc}
   *
   * @throws javax.cache.CacheException if the filter rejects the stream, a class cannot be found,
   *     or the bytes are not a valid object stream
   */
  @Override
  public Object read(DirectBuffer buffer, int offset, int length) {
    DeserializationFilter.StreamFilter streamFilter = filter.forStream(length);
    DirectBufferInputStream in = new DirectBufferInputStream(buffer, offset, length);
    try (ObjectInputStream objects = new ClassLoaderObjectInputStream(in, classLoader)) {
      objects.setObjectInputFilter(streamFilter);
      return objects.readObject();
    } catch (ClassNotFoundException e) {
      throw SerialFailures.cannotDeserialize(
          "class "
              + e.getMessage()
              + " not found by the cache manager's class loader ("
              + classLoader
              + ") or Java serialization's default",
          e);
    } catch (IOException | RuntimeException e) {
      String rejection = streamFilter.rejection();
      throw SerialFailures.cannotDeserialize(rejection != null ? rejection : e.toString(), e);
    } catch (StackOverflowError e) {
      // Nested deeper than this thread's stack can read; unwound by now, like the write's.
      throw SerialFailures.cannotDeserialize("the value is nested too deeply for this thread", e);
    }
  }
}
