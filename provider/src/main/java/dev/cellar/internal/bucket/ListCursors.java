package dev.cellar.internal.bucket;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes and reads the opaque cursors of {@code Bucket.list}. A cursor names the string form of the
 * last key of a page and carries a MAC under a secret of this bucket instance, so a cursor is
 * stateless and reusable, yet one that this bucket did not hand out is recognised and refused.
 */
final class ListCursors {
  private static final String ALGORITHM = "HmacSHA256";
  private static final int MAC_BYTES = 16;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec secret;

  ListCursors() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    this.secret = new SecretKeySpec(bytes, ALGORITHM);
  }

  /** A cursor for the position just after {@code lastKey}. */
  String encode(String lastKey) {
    String payload = ENCODER.encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    return payload + '.' + ENCODER.encodeToString(mac(payload));
  }

  /**
   * The key string form that {@code cursor} names.
   *
   * @throws IllegalArgumentException when this bucket did not hand out {@code cursor}
   */
  String decode(String cursor) {
    int dot = cursor.indexOf('.');
    if (dot < 0) {
      throw notOurs();
    }
    String payload = cursor.substring(0, dot);
    byte[] given;
    byte[] key;
    try {
      given = DECODER.decode(cursor.substring(dot + 1));
      key = DECODER.decode(payload);
    } catch (IllegalArgumentException e) {
      throw notOurs();
    }
    if (!MessageDigest.isEqual(given, mac(payload))) {
      throw notOurs();
    }
    return new String(key, StandardCharsets.UTF_8);
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(secret);
      return Arrays.copyOf(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static IllegalArgumentException notOurs() {
    return new IllegalArgumentException("not a cursor of this bucket");
  }
}
