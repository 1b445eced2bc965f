package dev.cellar.examples.spring;

import java.math.BigDecimal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The bookstore over HTTP: each endpoint calls one cached method of {@link BookService}. */
@RestController
@RequestMapping("/books")
public class BookController {
  private final BookService books;

  /** A controller over {@code books}. */
  public BookController(BookService books) {
    this.books = books;
  }

  /** {@code GET /books/{isbn}}: the catalogue entry, cached; 404 for an unknown ISBN. */
  @GetMapping("/{isbn}")
  public Book book(@PathVariable("isbn") String isbn) {
    return books.find(isbn);
  }

  /** {@code PUT /books/{isbn}/price} with a number: reprices the book and updates the cache. */
  @PutMapping("/{isbn}/price")
  public Book reprice(@PathVariable("isbn") String isbn, @RequestBody BigDecimal price) {
    return books.reprice(isbn, price);
  }

  /** {@code GET /books/{isbn}/rating}: the rating, computed once per ISBN. */
  @GetMapping("/{isbn}/rating")
  public int rating(@PathVariable("isbn") String isbn) {
    return books.rating(isbn);
  }

  /** {@code GET /books/{isbn}/stock}: the stock level, at most a second old. */
  @GetMapping("/{isbn}/stock")
  public int stock(@PathVariable("isbn") String isbn) {
    return books.stock(isbn);
  }
}
