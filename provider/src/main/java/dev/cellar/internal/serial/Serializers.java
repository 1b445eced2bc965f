package dev.cellar.internal.serial;

import dev.cellar.Serializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import javax.cache.CacheException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.jspecify.annotations.Nullable;

/** Placeholder: Java serialization for every type until the built-in serializers land. */
public final class Serializers {
  private Serializers() {}

  /** The serializer for values declared as {@code type}. */
  public static <T> Serializer<T> forType(
      Class<T> type, ClassLoader classLoader, @Nullable String filterPattern) {
    return new Serializer<>() {
      @Override
      public int write(T value, MutableDirectBuffer buffer, int offset) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
          out.writeObject(value);
        } catch (IOException e) {
          throw new CacheException(
              "cannot serialize value of class " + value.getClass().getName() + ": " + e, e);
        }
        byte[] array = bytes.toByteArray();
        buffer.putBytes(offset, array);
        return array.length;
      }

      @Override
      public T read(DirectBuffer buffer, int offset, int length) {
        byte[] array = new byte[length];
        buffer.getBytes(offset, array);
        try (ObjectInputStream in =
            new ObjectInputStream(new ByteArrayInputStream(array)) {
              @Override
              protected Class<?> resolveClass(ObjectStreamClass desc)
                  throws IOException, ClassNotFoundException {
                try {
                  return Class.forName(desc.getName(), false, classLoader);
                } catch (ClassNotFoundException e) {
                  return super.resolveClass(desc);
                }
              }
            }) {
          @SuppressWarnings("unchecked")
          T value = (T) in.readObject();
          return value;
        } catch (IOException | ClassNotFoundException e) {
          throw new CacheException("cannot deserialize: " + e, e);
        }
      }
    };
  }
}
