package dev.cellar.internal.serial;

import dev.cellar.Serializer;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Chooses Cellar's built-in serializer for a cache's declared key or value type, used when the
 * configuration names none.
 *
 * <p>A final type with a built-in encoding ({@code String}, {@code Long}, {@code UUID}, {@code
 * byte[]}, {@code LocalDate}...) gets the bare payload encoding: the cache only admits instances of
 * the declared type, and a final type has no subclasses, so nothing needs to say which type the
 * bytes hold. Every other type ({@code Object}, {@code Number}, {@code BigDecimal}, an application
 * class) gets the tagged serializer described in {@link Tags}: built-in encodings where the runtime
 * class has one, a compact form for enum constants, and Java serialization otherwise.
 */
public final class Serializers {
  private static final Map<Class<?>, Class<?>> BOXES =
      Map.of(
          boolean.class, Boolean.class,
          byte.class, Byte.class,
          short.class, Short.class,
          char.class, Character.class,
          int.class, Integer.class,
          long.class, Long.class,
          float.class, Float.class,
          double.class, Double.class);

  private Serializers() {}

  /**
   * The built-in serializer for values of {@code declaredType} (a primitive type means its box).
   * Values read back as equal objects of the class they were written as, and equal values write
   * equal bytes (for Java serialization, as far as the class serializes deterministically). A value
   * that cannot be written fails with a {@link javax.cache.CacheException} that names its class and
   * why. The serializer is thread-safe.
   *
   * @param declaredType the key or value type of the cache's configuration
   * @param classLoader the cache manager's class loader: Java serialization and enum constants load
   *     classes with it first, then with Cellar's
   * @param filterPattern an {@link java.io.ObjectInputFilter} pattern for what Java deserialization
   *     may load, or null for Cellar's default (any class, with sizes bounded by the stored bytes
   *     and nesting bounded); the JVM-wide filter applies as well
   * @throws IllegalArgumentException if {@code filterPattern} is malformed
   */
  @SuppressWarnings("unchecked") // the serializer for T's own class, or one for every Object
  public static <T> Serializer<T> forType(
      Class<T> declaredType, ClassLoader classLoader, @Nullable String filterPattern) {
    Class<?> type = BOXES.getOrDefault(declaredType, declaredType);
    BuiltIns.Encoding<?> encoding = BuiltIns.forClass(type);
    if (encoding != null && Modifier.isFinal(type.getModifiers())) {
      return (Serializer<T>) encoding.payload();
    }
    DeserializationFilter filter = new DeserializationFilter(filterPattern);
    return (Serializer<T>) new TaggedSerializer(classLoader, filter);
  }
}
