package dev.cellar.tck;

import com.google.inject.Guice;
import com.google.inject.Injector;
import javax.cache.annotation.BeanProvider;
import org.jsr107.ri.annotations.guice.module.CacheAnnotationsModule;

/**
 * Gives the TCK's annotation tests their beans through Guice with the JCache annotations module, so
 * {@code @CacheResult} and friends are intercepted for real against Cellar.
 */
public final class GuiceBeanProvider implements BeanProvider {
  private static final Injector INJECTOR = Guice.createInjector(new CacheAnnotationsModule());

  @Override
  public <T> T getBeanByType(Class<T> beanClass) {
    return INJECTOR.getInstance(beanClass);
  }
}
