package dev.cellar.examples.spring;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** Thrown for an ISBN the catalogue does not hold; the web layer answers 404 Not Found. */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class UnknownBookException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception that names the unknown {@code isbn}. */
  public UnknownBookException(String isbn) {
    super("no book with ISBN " + isbn);
  }
}
