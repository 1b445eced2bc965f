package dev.cellar.internal.serial;

import dev.cellar.Serializer;
import java.util.HexFormat;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/** Writing and reading through serializers the way the cache does, and hex for pinned bytes. */
final class SerialBytes {
  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  private SerialBytes() {}

  /** The bytes {@code serializer} writes for {@code value}. */
  static <T> byte[] bytes(Serializer<T> serializer, T value) {
    MutableDirectBuffer buffer = new ExpandableArrayBuffer(16);
    int length = serializer.write(value, buffer, 0);
    byte[] bytes = new byte[length];
    buffer.getBytes(0, bytes);
    return bytes;
  }

  /** The bytes as upper-case hex without separators, for assertions that read like the format. */
  static <T> String hex(Serializer<T> serializer, T value) {
    return HEX.formatHex(bytes(serializer, value));
  }

  /** Bytes from hex, spaces allowed. */
  static byte[] unhex(String hex) {
    return HEX.parseHex(hex.replace(" ", ""));
  }

  /**
   * Writes {@code value} into a small buffer at an odd offset, so that writes must grow it and
   * nothing relies on offset 0, with junk after it; then reads it back from exactly its bytes.
   */
  static <T> T roundTrip(Serializer<T> serializer, T value) {
    MutableDirectBuffer buffer = new ExpandableArrayBuffer(4);
    int offset = 3;
    int length = serializer.write(value, buffer, offset);
    buffer.putLong(offset + length, -1L);
    return serializer.read(buffer, offset, length);
  }

  /** Reads {@code bytes} with {@code serializer}, from an offset inside a larger buffer. */
  static <T> T read(Serializer<T> serializer, byte[] bytes) {
    MutableDirectBuffer buffer = new ExpandableArrayBuffer(bytes.length + 16);
    buffer.putBytes(5, bytes);
    return serializer.read(buffer, 5, bytes.length);
  }
}
