package dev.cellar.internal.serial;

import javax.cache.CacheException;

/** The exceptions the serializers throw, so that every message has the same shape. */
final class SerialFailures {
  private SerialFailures() {}

  /** A value could not be written; the message names its class and the reason. */
  static CacheException cannotSerialize(Object value, Throwable cause) {
    return new CacheException(
        "cannot serialize value of class " + value.getClass().getName() + ": " + cause, cause);
  }

  /** Stored bytes could not be read back as a value. */
  static CacheException cannotDeserialize(String reason, Throwable cause) {
    return new CacheException("cannot deserialize value: " + reason, cause);
  }

  /** Stored bytes name a class or hold a shape that the deserialization filter refuses. */
  static CacheException rejected(String reason) {
    return new CacheException("cannot deserialize value: " + reason);
  }

  /** Stored bytes do not follow the format they claim; Cellar did not write them this way. */
  static CacheException corrupt(String detail) {
    return new CacheException("corrupt serialized value: " + detail);
  }

  /** Fails unless a fixed-width payload of {@code type} has exactly {@code expected} bytes. */
  static void checkLength(String type, int expected, int actual) {
    if (actual != expected) {
      throw corrupt(type + " needs " + expected + " bytes, got " + actual);
    }
  }
}
