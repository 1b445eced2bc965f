package dev.cellar.examples.spring;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * A book of the catalogue. It is {@link Serializable} because Cellar stores cached values by value,
 * as bytes, and uses Java serialization for classes it has no built-in encoding for.
 *
 * @param isbn the book's ISBN, its key in the catalogue and the caches
 * @param title the title
 * @param price the price
 */
public record Book(String isbn, String title, BigDecimal price) implements Serializable {}
