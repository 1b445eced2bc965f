package dev.cellar.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.SortNatural;
import org.jspecify.annotations.Nullable;

/**
 * A book, cached in the region {@code dev.cellar.examples.hibernate.Book}, with its tags cached in
 * {@code dev.cellar.examples.hibernate.Book#tags}. The Cellar file declares neither region:
 * Hibernate creates both on demand ({@code hibernate.javax.cache.missing_cache_strategy=create}),
 * with the file's defaults.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Book {
  /** The region of the tags collection, named with a {@code #}. */
  public static final String TAGS_REGION = "dev.cellar.examples.hibernate.Book#tags";

  @Id @GeneratedValue private @Nullable Long id;

  private String title = "";

  @ManyToOne(fetch = FetchType.LAZY)
  private @Nullable Author author;

  @ElementCollection
  @SortNatural
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = Book.TAGS_REGION)
  private SortedSet<String> tags = new TreeSet<>();

  /** For Hibernate. */
  protected Book() {}

  /** A new book by {@code author} with {@code tags}, not yet persisted. */
  public Book(String title, Author author, String... tags) {
    this.title = title;
    this.author = author;
    this.tags.addAll(Set.of(tags));
    author.getBooks().add(this);
  }

  /** The generated id; null until the book is persisted. */
  public @Nullable Long getId() {
    return id;
  }

  /** The title. */
  public String getTitle() {
    return title;
  }

  /** The author. */
  public @Nullable Author getAuthor() {
    return author;
  }

  /** The tags, sorted. */
  public SortedSet<String> getTags() {
    return tags;
  }
}
