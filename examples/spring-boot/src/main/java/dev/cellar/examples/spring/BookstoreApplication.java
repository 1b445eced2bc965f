package dev.cellar.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * The bookstore application. Spring's cache abstraction runs over JCache ({@code
 * spring.cache.type=jcache}); the provider is whatever the service loader finds, Cellar, and the
 * caches are declared in the Cellar file named by {@code spring.cache.jcache.config}.
 */
@SpringBootApplication
@EnableCaching
public class BookstoreApplication {
  /** Starts the application with Spring Boot's defaults and {@code application.properties}. */
  public static void main(String[] args) {
    SpringApplication.run(BookstoreApplication.class, args);
  }
}
