package dev.cellar.internal.serial;

import dev.cellar.Serializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Any value, as a tag byte naming its encoding and then the payload (the format is {@link Tags}). A
 * value reads back as an equal object of the same class, so one cache can hold keys of several
 * types: {@code 1}, {@code 1L} and {@code "1"} are three keys with three byte strings.
 */
final class TaggedSerializer implements Serializer<Object> {
  private final EnumSerializer enums;
  private final JavaSerializer java;

  TaggedSerializer(ClassLoader classLoader, DeserializationFilter filter) {
    this.enums = new EnumSerializer(classLoader, filter);
    this.java = new JavaSerializer(classLoader, filter);
  }

  /**
   * {@inheritDoc}
   *
   * @throws javax.cache.CacheException naming the value's class and the reason, if it has no
   *     built-in encoding and Java serialization fails
   */
  @Override
  public int write(Object value, MutableDirectBuffer buffer, int offset) {
    int payload = offset + Tags.LENGTH;
    BuiltIns.Encoding<?> encoding = BuiltIns.forClass(value.getClass());
    if (encoding != null) {
      buffer.putByte(offset, encoding.tag());
      return Tags.LENGTH + encoding.writePayload(value, buffer, payload);
    }
    if (value instanceof Enum<?> constant) {
      buffer.putByte(offset, Tags.ENUM);
      return Tags.LENGTH + enums.write(constant, buffer, payload);
    }
    buffer.putByte(offset, Tags.JAVA_SERIALIZATION);
    return Tags.LENGTH + java.write(value, buffer, payload);
  }

  /**
   * {@inheritDoc}
   *
   * @throws javax.cache.CacheException if the bytes are not in the tagged format, or reading them
   *     back fails (a class the filter rejects or the class loader cannot find)
   */
  @Override
  public Object read(DirectBuffer buffer, int offset, int length) {
    if (length < Tags.LENGTH) {
      throw SerialFailures.corrupt("no tag byte in an empty value");
    }
    byte tag = buffer.getByte(offset);
    int payload = offset + Tags.LENGTH;
    int payloadLength = length - Tags.LENGTH;
    BuiltIns.Encoding<?> encoding = BuiltIns.forTag(tag);
    if (encoding != null) {
      return encoding.payload().read(buffer, payload, payloadLength);
    }
    if (tag == Tags.ENUM) {
      return enums.read(buffer, payload, payloadLength);
    }
    if (tag == Tags.JAVA_SERIALIZATION) {
      return java.read(buffer, payload, payloadLength);
    }
    throw SerialFailures.corrupt(String.format("unknown tag 0x%02X", tag));
  }
}
