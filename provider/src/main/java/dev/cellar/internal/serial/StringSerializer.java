package dev.cellar.internal.serial;

import dev.cellar.Serializer;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Strings as UTF-8, with ASCII written and read without any decoding. A Java string may hold an
 * unpaired surrogate, which standard UTF-8 cannot express (the JDK's encoder turns it into {@code
 * '?'}, so two different keys would share bytes). Such a surrogate gets the three bytes UTF-8 would
 * give its code point, as WTF-8 does, so every string round-trips and unequal strings never share
 * bytes. A paired surrogate is written as the usual four bytes.
 */
final class StringSerializer implements Serializer<String> {
  /** The only instance; it holds no state. */
  static final StringSerializer INSTANCE = new StringSerializer();

  private StringSerializer() {}

  @Override
  public int write(String value, MutableDirectBuffer buffer, int offset) {
    // One pass for the common ASCII case: copy while checking, and start over with the full
    // encoding at the first character that is not ASCII (keys are serialized on every call).
    int length = value.length();
    buffer.checkLimit(offset + length);
    byte[] array = buffer.byteArray();
    if (array != null) {
      // Straight into the backing array: one bounds check for the loop, not one per byte.
      int base = buffer.wrapAdjustment() + offset;
      for (int i = 0; i < length; i++) {
        char c = value.charAt(i);
        if (c >= 0x80) {
          return writeEncoded(value, buffer, offset);
        }
        array[base + i] = (byte) c;
      }
      return length;
    }
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        return writeEncoded(value, buffer, offset);
      }
      buffer.putByte(offset + i, (byte) c);
    }
    return length;
  }

  private static int writeEncoded(String value, MutableDirectBuffer buffer, int offset) {
    byte[] bytes = encode(value);
    buffer.putBytes(offset, bytes);
    return bytes.length;
  }

  @Override
  public String read(DirectBuffer buffer, int offset, int length) {
    byte[] bytes = new byte[length];
    buffer.getBytes(offset, bytes);
    for (byte b : bytes) {
      if (b < 0) {
        return decode(bytes);
      }
    }
    // ASCII is a subset of Latin-1, which the JDK turns into a compact string with one copy.
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static byte[] encode(String value) {
    byte[] out = new byte[encodedLength(value)];
    int n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        out[n++] = (byte) c;
      } else if (c < 0x800) {
        out[n++] = (byte) (0xC0 | (c >> 6));
        out[n++] = (byte) (0x80 | (c & 0x3F));
      } else if (startsPair(value, i)) {
        int cp = Character.toCodePoint(c, value.charAt(++i));
        out[n++] = (byte) (0xF0 | (cp >> 18));
        out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[n++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        // Any other char below 0x10000, an unpaired surrogate included.
        out[n++] = (byte) (0xE0 | (c >> 12));
        out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[n++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return out;
  }

  private static int encodedLength(String value) {
    int length = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (startsPair(value, i)) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }

  private static boolean startsPair(String value, int i) {
    return Character.isHighSurrogate(value.charAt(i))
        && i + 1 < value.length()
        && Character.isLowSurrogate(value.charAt(i + 1));
  }

  // Strict: anything encode() would not have written (overlong forms, stray continuation bytes,
  // a surrogate pair spelled as two three-byte sequences) is corrupt, so decoding is one-to-one.
  private static String decode(byte[] bytes) {
    char[] chars = new char[bytes.length];
    int n = 0;
    int i = 0;
    while (i < bytes.length) {
      int b0 = bytes[i] & 0xFF;
      if (b0 < 0x80) {
        chars[n++] = (char) b0;
        i += 1;
      } else if (b0 >= 0xC2 && b0 < 0xE0) {
        chars[n++] = (char) (((b0 & 0x1F) << 6) | continuation(bytes, i, 1));
        i += 2;
      } else if (b0 >= 0xE0 && b0 < 0xF0) {
        int c = ((b0 & 0x0F) << 12) | (continuation(bytes, i, 1) << 6) | continuation(bytes, i, 2);
        if (c < 0x800) {
          throw SerialFailures.corrupt("overlong UTF-8 at byte " + i);
        }
        if (Character.isLowSurrogate((char) c)
            && n > 0
            && Character.isHighSurrogate(chars[n - 1])) {
          throw SerialFailures.corrupt("surrogate pair written as two sequences at byte " + i);
        }
        chars[n++] = (char) c;
        i += 3;
      } else if (b0 >= 0xF0 && b0 < 0xF5) {
        int cp =
            ((b0 & 0x07) << 18)
                | (continuation(bytes, i, 1) << 12)
                | (continuation(bytes, i, 2) << 6)
                | continuation(bytes, i, 3);
        if (cp < Character.MIN_SUPPLEMENTARY_CODE_POINT || cp > Character.MAX_CODE_POINT) {
          throw SerialFailures.corrupt("invalid four-byte UTF-8 at byte " + i);
        }
        chars[n++] = Character.highSurrogate(cp);
        chars[n++] = Character.lowSurrogate(cp);
        i += 4;
      } else {
        throw SerialFailures.corrupt("invalid UTF-8 lead byte " + b0 + " at byte " + i);
      }
    }
    return new String(chars, 0, n);
  }

  /** The six payload bits of the continuation byte {@code k} places after the lead at {@code i}. */
  private static int continuation(byte[] bytes, int i, int k) {
    if (i + k >= bytes.length || (bytes[i + k] & 0xC0) != 0x80) {
      throw SerialFailures.corrupt("truncated UTF-8 sequence at byte " + i);
    }
    return bytes[i + k] & 0x3F;
  }
}
