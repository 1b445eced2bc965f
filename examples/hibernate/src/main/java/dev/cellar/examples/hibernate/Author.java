package dev.cellar.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;
import org.jspecify.annotations.Nullable;

/**
 * An author, cached in the region {@code dev.cellar.examples.hibernate.Author}, with its books
 * cached in {@code dev.cellar.examples.hibernate.Author.books} and its e-mail address as a natural
 * id cached in {@code dev.cellar.examples.hibernate.Author##NaturalId}. The Cellar file declares
 * all three regions.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@NaturalIdCache
public class Author {
  @Id @GeneratedValue private @Nullable Long id;

  @NaturalId private String email = "";

  private String name = "";

  @OneToMany(mappedBy = "author")
  @OrderBy("title")
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  private List<Book> books = new ArrayList<>();

  /** For Hibernate. */
  protected Author() {}

  /** A new author, not yet persisted. */
  public Author(String email, String name) {
    this.email = email;
    this.name = name;
  }

  /** The generated id; null until the author is persisted. */
  public @Nullable Long getId() {
    return id;
  }

  /** The e-mail address, the natural id. */
  public String getEmail() {
    return email;
  }

  /** The name. */
  public String getName() {
    return name;
  }

  /** Renames the author. */
  public void setName(String name) {
    this.name = name;
  }

  /** The author's books, by title. */
  public List<Book> getBooks() {
    return books;
  }
}
