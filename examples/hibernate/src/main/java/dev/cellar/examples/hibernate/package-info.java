/**
 * Hibernate ORM with its second-level cache in Cellar: two cached entities, their collections, a
 * natural id and cached queries, configured through {@code hibernate-jcache} and a Cellar file.
 */
@NullMarked
package dev.cellar.examples.hibernate;

import org.jspecify.annotations.NullMarked;
