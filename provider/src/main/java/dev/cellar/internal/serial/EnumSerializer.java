package dev.cellar.internal.serial;

import static java.nio.ByteOrder.BIG_ENDIAN;

import dev.cellar.Serializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * An enum constant as its enum's class name and its own name, far smaller and faster than Java
 * serialization of the same constant. Reading loads the class by name as {@link JavaSerializer}
 * does: with the cache manager's class loader first, under the same {@link DeserializationFilter}.
 */
final class EnumSerializer implements Serializer<Enum<?>> {
  private static final int NAME_LENGTH_BYTES = Short.BYTES;

  private final ClassLoader classLoader;
  private final DeserializationFilter filter;

  EnumSerializer(ClassLoader classLoader, DeserializationFilter filter) {
    this.classLoader = classLoader;
    this.filter = filter;
  }

  @Override
  public int write(Enum<?> constant, MutableDirectBuffer buffer, int offset) {
    // getDeclaringClass, not getClass: a constant with a body is an instance of a subclass.
    String className = constant.getDeclaringClass().getName();
    int nameOffset = offset + NAME_LENGTH_BYTES;
    int classNameLength = StringSerializer.INSTANCE.write(className, buffer, nameOffset);
    // The class file format caps a class name at 65535 bytes of modified UTF-8, which is never
    // shorter than our UTF-8, so the length fits an unsigned short.
    buffer.putShort(offset, (short) classNameLength, BIG_ENDIAN);
    int constantOffset = nameOffset + classNameLength;
    int constantLength = StringSerializer.INSTANCE.write(constant.name(), buffer, constantOffset);
    return NAME_LENGTH_BYTES + classNameLength + constantLength;
  }

  @Override
  public Enum<?> read(DirectBuffer buffer, int offset, int length) {
    int classNameLength =
        length < NAME_LENGTH_BYTES ? -1 : buffer.getShort(offset, BIG_ENDIAN) & 0xFFFF;
    if (classNameLength < 1 || NAME_LENGTH_BYTES + classNameLength >= length) {
      throw SerialFailures.corrupt("enum constant of " + length + " bytes");
    }
    int nameOffset = offset + NAME_LENGTH_BYTES;
    String className = StringSerializer.INSTANCE.read(buffer, nameOffset, classNameLength);
    String name =
        StringSerializer.INSTANCE.read(
            buffer, nameOffset + classNameLength, length - NAME_LENGTH_BYTES - classNameLength);
    Class<?> type = load(className);
    filter.checkClass(type);
    if (!type.isEnum()) {
      throw SerialFailures.corrupt(className + " is not an enum");
    }
    try {
      return valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw SerialFailures.cannotDeserialize(className + " has no constant " + name, e);
    }
  }

  private Class<?> load(String className) {
    try {
      return Class.forName(className, false, classLoader);
    } catch (ClassNotFoundException e) {
      try {
        return Class.forName(className, false, EnumSerializer.class.getClassLoader());
      } catch (ClassNotFoundException again) {
        throw SerialFailures.cannotDeserialize(
            "enum class "
                + className
                + " not found by the cache manager's class loader ("
                + classLoader
                + ") or Cellar's",
            again);
      }
    }
  }

  // The raw cast is checked: the caller has seen type.isEnum().
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Enum<?> valueOf(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }
}
