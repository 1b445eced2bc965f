package dev.cellar.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.net.URI;
import java.net.URL;
import java.util.Locale;
import javax.cache.CacheException;

/** Parses a configuration file with Typesafe Config and resolves its substitutions. */
final class ConfigFileParser {
  private ConfigFileParser() {}

  /**
   * The parsed and resolved file at {@code url}.
   *
   * @param uri the URI the user gave, named in error messages
   * @param classLoader resolves {@code include classpath("...")} inside the file
   * @throws CacheException if the file cannot be read, is not valid HOCON (or JSON for a {@code
   *     .json} file), or has a substitution that resolves to nothing
   */
  static Config parse(URI uri, URL url, ClassLoader classLoader) {
    ConfigParseOptions options =
        ConfigParseOptions.defaults()
            .setAllowMissing(false) // Typesafe's default quietly reads a missing file as empty.
            .setClassLoader(classLoader)
            // Chosen here rather than guessed by the library, which would read a .properties file
            // as Java properties: every name but *.json is HOCON, as the docs say.
            .setSyntax(
                url.getPath().toLowerCase(Locale.ROOT).endsWith(".json")
                    ? ConfigSyntax.JSON
                    : ConfigSyntax.CONF);
    try {
      // resolve() also fills ${?NAME} from environment variables, which the docs point out.
      return ConfigFactory.parseURL(url, options).resolve();
    } catch (ConfigException.IO e) {
      throw new CacheException(
          "Cellar configuration " + uri + " cannot be read: " + e.getMessage(), e);
    } catch (ConfigException e) {
      throw new CacheException("Invalid Cellar configuration " + uri + ": " + e.getMessage(), e);
    }
  }
}
