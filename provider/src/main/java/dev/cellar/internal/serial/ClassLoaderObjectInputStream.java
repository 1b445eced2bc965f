package dev.cellar.internal.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * An object stream that looks classes up with a given class loader (the cache manager's) first,
 * then as {@link ObjectInputStream} does by default. Without it, values of application classes fail
 * to read wherever Cellar's own class loader cannot see them, as in application servers.
 */
final class ClassLoaderObjectInputStream extends ObjectInputStream {
  private final ClassLoader classLoader;

  ClassLoaderObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
    super(in);
    this.classLoader = classLoader;
  }

  @Override
  protected Class<?> resolveClass(ObjectStreamClass desc)
      throws IOException, ClassNotFoundException {
    try {
      // Not initialized: the filter sees the class before any of its static code runs.
      return Class.forName(desc.getName(), false, classLoader);
    } catch (ClassNotFoundException e) {
      // Also how primitive types ("int") resolve.
      return super.resolveClass(desc);
    }
  }
}
