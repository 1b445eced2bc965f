package dev.cellar.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellar.CellarConfiguration;
import java.io.Serializable;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A put refuses a value that no get could read back (nested deeper than deserialization allows, or
 * of a class the deserialization filter refuses), and the value stored before stays readable.
 */
class UnreadableValuesTest {
  /** A singly linked chain: each node nests the next one level deeper. */
  static final class Node implements Serializable {
    private static final long serialVersionUID = 1L;

    final int depth;

    @SuppressWarnings("serial") // a Node, Serializable
    final Node next;

    Node(int depth, Node next) {
      this.depth = depth;
      this.next = next;
    }

    static Node chain(int length) {
      Node node = null;
      for (int i = length; i > 0; i--) {
        node = new Node(i, node);
      }
      return node;
    }
  }

  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager =
        Caching.getCachingProvider(CellarCachingProvider.class.getName())
            .getCacheManager(URI.create("cellar:unreadable-values"), getClass().getClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @Test
  void aValueNestedDeeperThanDeserializationAllowsIsRefusedOnPut() throws Exception {
    Cache<String, Object> cache =
        manager.createCache(
            "deep", new CellarConfiguration<String, Object>().setTypes(String.class, Object.class));
    cache.put("k", Node.chain(100));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    // A large stack, so that the write itself succeeds and only the read-back can refuse it.
    Thread writer =
        new Thread(
            null,
            () ->
                thrown.set(
                    assertThrows(CacheException.class, () -> cache.put("k", Node.chain(1500)))),
            "deep-writer",
            64L << 20);
    writer.start();
    writer.join();
    assertTrue(
        thrown.get().getMessage().contains("could not be read back"), thrown.get().getMessage());
    assertEquals(100, depthOf((Node) cache.get("k")), "the value stored before stays");
  }

  @Test
  void aValueOfAClassTheFilterRefusesIsRefusedOnPut() {
    Cache<String, Object> cache =
        manager.createCache(
            "filtered",
            new CellarConfiguration<String, Object>()
                .setTypes(String.class, Object.class)
                .setDeserializationFilter("!" + Node.class.getName()));
    cache.put("k", "text");
    CacheException thrown = assertThrows(CacheException.class, () -> cache.put("k", Node.chain(1)));
    assertTrue(thrown.getMessage().contains("could not be read back"), thrown.getMessage());
    assertEquals("text", cache.get("k"));
  }

  private static int depthOf(Node node) {
    int depth = 0;
    for (Node n = node; n != null; n = n.next) {
      depth++;
    }
    return depth;
  }
}
