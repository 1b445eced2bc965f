package dev.cellar.engine;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Buffers from strings and back, so engine tests read like the data they use. */
public final class TestBytes {
  private TestBytes() {}

  /** The UTF-8 bytes of {@code text} in a buffer of exactly that length. */
  public static UnsafeBuffer utf8(String text) {
    return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The UTF-8 text of {@code length} bytes of {@code buffer} from {@code offset}. */
  public static String text(DirectBuffer buffer, int offset, int length) {
    byte[] bytes = new byte[length];
    buffer.getBytes(offset, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The value of {@code record} as UTF-8 text. */
  public static String value(RecordView record) {
    return text(record.buffer(), record.valueOffset(), record.valueLength());
  }

  /** The key of {@code record} as UTF-8 text. */
  public static String key(RecordView record) {
    return text(record.buffer(), record.keyOffset(), record.keyLength());
  }
}
