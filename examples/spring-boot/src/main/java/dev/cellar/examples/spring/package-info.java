/**
 * A small bookstore on Spring Boot whose {@code @Cacheable} methods are cached by Cellar, found as
 * the JCache provider through the service loader and configured by {@code cellar.conf}.
 */
@NullMarked
package dev.cellar.examples.spring;

import org.jspecify.annotations.NullMarked;
