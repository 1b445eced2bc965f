package dev.cellar.tck;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import java.lang.annotation.Annotation;
import javax.cache.Caching;
import javax.cache.annotation.BeanProvider;
import javax.cache.annotation.CacheMethodDetails;
import javax.cache.annotation.CacheResolver;
import javax.cache.annotation.CacheResolverFactory;
import javax.cache.annotation.CacheResult;
import javax.cache.spi.CachingProvider;
import org.jsr107.ri.annotations.DefaultCacheResolverFactory;
import org.jsr107.ri.annotations.guice.module.CacheAnnotationsModule;

/**
 * Gives the TCK's annotation tests their beans through Guice with the JCache annotations RI, so
 * {@code @CacheResult} and friends are intercepted for real against Cellar.
 *
 * <p>The RI's default resolver factory keeps the cache manager it found when it was made; other TCK
 * tests close every manager ({@code Caching.getCachingProvider().close()}) in between, so the
 * factory bound here looks up the provider's current default manager on every resolution.
 */
public final class GuiceBeanProvider implements BeanProvider {
  private static final Injector INJECTOR =
      Guice.createInjector(
          Modules.override(new CacheAnnotationsModule())
              .with(
                  binder ->
                      binder
                          .bind(CacheResolverFactory.class)
                          .to(CurrentManagerResolverFactory.class)));

  @Override
  public <T> T getBeanByType(Class<T> beanClass) {
    return INJECTOR.getInstance(beanClass);
  }

  /** Resolves caches in whichever default cache manager is open now. */
  public static final class CurrentManagerResolverFactory implements CacheResolverFactory {
    @Override
    public CacheResolver getCacheResolver(
        CacheMethodDetails<? extends Annotation> cacheMethodDetails) {
      return current().getCacheResolver(cacheMethodDetails);
    }

    @Override
    public CacheResolver getExceptionCacheResolver(
        CacheMethodDetails<CacheResult> cacheMethodDetails) {
      return current().getExceptionCacheResolver(cacheMethodDetails);
    }

    private static CacheResolverFactory current() {
      CachingProvider provider = Caching.getCachingProvider();
      return new DefaultCacheResolverFactory(
          provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader()));
    }
  }
}
