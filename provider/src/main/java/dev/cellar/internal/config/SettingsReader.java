package dev.cellar.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.cellar.CellarConfiguration;
import dev.cellar.internal.cache.ImmutableTypes;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.cache.CacheException;
import javax.cache.expiry.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Checks a parsed file against Cellar's format and turns it into {@link CacheManagerSettings}. It
 * fails on the first unknown key or bad value, with a message that names the file, the line, the
 * key's full path and what is allowed there, so a typo never passes as a default.
 */
final class SettingsReader {
  static final String CELLAR = "cellar";
  static final String DEFAULTS = "defaults";
  static final String CACHES = "caches";
  static final String METRICS = "metrics";
  static final String REGISTRY = "registry";
  static final String MAX_BYTES = "max-bytes";
  static final String HISTORY = "history";
  static final String STATISTICS = "statistics";
  static final String MANAGEMENT = "management";
  static final String EXPIRY = "expiry";
  static final String POLICY = "policy";
  static final String DURATION = "duration";
  static final String NEAR_CACHE_SIZE = "near-cache-size";
  static final String IMMUTABLE_TYPES = "immutable-types";
  static final String FORGOTTEN_MARKER_BYTES = "forgotten-marker-bytes";
  static final String SEGMENTS = "segments";

  private static final List<String> SECTION_KEYS = List.of(DEFAULTS, CACHES, METRICS);
  private static final List<String> METRICS_KEYS = List.of(REGISTRY);
  private static final List<String> CACHE_KEYS =
      List.of(
          MAX_BYTES,
          HISTORY,
          STATISTICS,
          MANAGEMENT,
          EXPIRY,
          NEAR_CACHE_SIZE,
          IMMUTABLE_TYPES,
          FORGOTTEN_MARKER_BYTES,
          SEGMENTS);
  private static final List<String> EXPIRY_KEYS = List.of(POLICY, DURATION);

  /** {@link CellarConfiguration#setHistory}'s bounds. */
  private static final int MIN_HISTORY = 1;

  private static final int MAX_HISTORY = 64;

  private static final String MAX_BYTES_RULE =
      "max-bytes must be a size of at least 4 MiB, such as 64 MiB or 2 GiB (MiB and GiB count in"
          + " 1024s, MB and GB in 1000s; a bare number counts bytes)";
  private static final String HISTORY_RULE =
      "history must be a whole number from "
          + MIN_HISTORY
          + " to "
          + MAX_HISTORY
          + " (records kept per key, the latest included)";
  private static final String DURATION_RULE =
      "duration must be a positive length of time with a unit, such as 10 minutes, 30 s or 2 hours"
          + " (units ms, s, m, h, d or their long names; whole milliseconds at the finest)";
  private static final String NEAR_CACHE_SIZE_RULE =
      "near-cache-size must be a whole number of entries, 0 (no near tier) or more";
  private static final String FORGOTTEN_MARKER_BYTES_RULE =
      "forgotten-marker-bytes must be a size, 0 or more, such as 0 or 4 MiB (heap for markers that"
          + " lagging watches have yet to read; leave it out for the default)";
  private static final String SEGMENTS_RULE =
      "segments must be a power of two from 1 to "
          + CellarConfiguration.MAX_SEGMENTS
          + ", such as 4 or 64 (each segment has a write lock and an equal share of max-bytes, and"
          + " one entry may take a quarter of a share; leave it out for one per 4 MiB, 1 to 64)";
  private static final String IMMUTABLE_TYPES_RULE =
      "immutable-types must be a list of class names of records or enums, such as"
          + " [\"com.acme.Price\", \"com.acme.Currency\"]";
  private static final String QUOTE_HINT =
      " (a cache name that holds '.' must be quoted: \"com.acme.Order\" { ... })";

  /** Typesafe's typed getters work on paths, so a lone value is read under this key. */
  private static final String VALUE = "value";

  private final URI uri;
  private final String fileUrl;
  private final ClassLoader classLoader;

  /**
   * A reader for the file that {@code uri} named and that was read from {@code url}.
   *
   * @param uri named in every error message, as the user wrote it
   * @param url tells the file's own lines from lines of files it includes
   * @param classLoader loads the classes the file names (the cache manager's)
   */
  SettingsReader(URI uri, URL url, ClassLoader classLoader) {
    this.uri = uri;
    this.fileUrl = url.toExternalForm();
    this.classLoader = classLoader;
  }

  /**
   * The settings in {@code file}.
   *
   * @throws CacheException at the first unknown key or bad value
   */
  CacheManagerSettings read(Config file) {
    ConfigValue cellarValue = file.root().get(CELLAR);
    if (cellarValue == null) {
      // A file without the section is a mistake (a forgotten wrapper, the wrong file); reading it
      // as "all defaults" would hide that.
      throw fail(
          file.root(),
          "no \"cellar\" section; Cellar reads cellar { defaults { ... }, caches { ... } }");
    }
    List<String> path = List.of(CELLAR);
    CacheSettings defaults = CacheSettings.BUILT_IN;
    Map<String, CacheSettings> caches = new LinkedHashMap<>();
    @Nullable ConfigObject cachesSection = null;
    @Nullable String registry = null;
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(object(cellarValue, path))) {
      List<String> at = child(path, entry.getKey());
      switch (entry.getKey()) {
        case DEFAULTS -> defaults = cache(object(entry.getValue(), at), at, defaults, "");
        case CACHES -> cachesSection = object(entry.getValue(), at);
        case METRICS -> registry = metrics(object(entry.getValue(), at), at);
        default -> throw unknownKey(entry.getValue(), at, SECTION_KEYS, "");
      }
    }
    if (cachesSection != null) {
      // Read after the defaults wherever they stand in the file, since caches overlay them.
      List<String> cachesPath = child(path, CACHES);
      for (Map.Entry<String, ConfigValue> entry : inFileOrder(cachesSection)) {
        List<String> at = child(cachesPath, entry.getKey());
        caches.put(entry.getKey(), cache(object(entry.getValue(), at), at, defaults, QUOTE_HINT));
      }
    }
    return new CacheManagerSettings(defaults, caches, registry);
  }

  /** The {@code metrics} section: the name of the shared Dropwizard registry, if it gives one. */
  private @Nullable String metrics(ConfigObject section, List<String> path) {
    String registry = null;
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(section)) {
      List<String> at = child(path, entry.getKey());
      ConfigValue value = entry.getValue();
      if (!entry.getKey().equals(REGISTRY)) {
        throw unknownKey(value, at, METRICS_KEYS, "");
      }
      if (value.valueType() != ConfigValueType.STRING || ((String) value.unwrapped()).isBlank()) {
        throw invalid(value, at, "registry must be the non-blank name of a shared metric registry");
      }
      registry = (String) value.unwrapped();
    }
    return registry;
  }

  /** One {@code defaults} or cache section, overlaid on {@code base}. */
  private CacheSettings cache(
      ConfigObject section, List<String> path, CacheSettings base, String unknownKeyHint) {
    CacheSettings settings = base;
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(section)) {
      List<String> at = child(path, entry.getKey());
      ConfigValue value = entry.getValue();
      settings =
          switch (entry.getKey()) {
            case MAX_BYTES -> settings.with(c -> c.setMaxBytes(maxBytes(value, at)));
            case HISTORY -> settings.with(c -> c.setHistory(history(value, at)));
            case STATISTICS -> settings.with(c -> c.setStatisticsEnabled(bool(value, at)));
            case MANAGEMENT -> settings.with(c -> c.setManagementEnabled(bool(value, at)));
            // Replaced whole, never merged key by key: a duration inherited from the defaults
            // would otherwise attach itself to a cache's "eternal".
            case EXPIRY ->
                settings.with(c -> c.setExpiryPolicyFactory(expiry(value, at).factory()));
            case NEAR_CACHE_SIZE ->
                settings.with(c -> c.setNearCacheSize(nearCacheSize(value, at)));
            case IMMUTABLE_TYPES ->
                settings.with(
                    c -> c.setImmutableTypes(immutableTypes(value, at).toArray(new Class<?>[0])));
            case FORGOTTEN_MARKER_BYTES ->
                settings.with(c -> c.setForgottenMarkerBytes(forgottenMarkerBytes(value, at)));
            case SEGMENTS -> settings.with(c -> c.setSegments(segments(value, at)));
            default -> throw unknownKey(value, at, CACHE_KEYS, unknownKeyHint);
          };
    }
    return settings;
  }

  private long maxBytes(ConfigValue value, List<String> path) {
    return size(value, path, CellarConfiguration.MIN_MAX_BYTES, MAX_BYTES_RULE);
  }

  private long forgottenMarkerBytes(ConfigValue value, List<String> path) {
    return size(value, path, 0, FORGOTTEN_MARKER_BYTES_RULE);
  }

  /**
   * A size in bytes from {@code min} to {@code Long.MAX_VALUE}, or the {@code rule} as the error.
   */
  private long size(ConfigValue value, List<String> path, long min, String rule) {
    BigInteger bytes;
    try {
      bytes = value.atKey(VALUE).getMemorySize(VALUE).toBytesBigInteger();
    } catch (ConfigException e) {
      throw invalid(value, path, rule);
    }
    if (bytes.compareTo(BigInteger.valueOf(min)) < 0 || bytes.bitLength() >= Long.SIZE) {
      throw invalid(value, path, rule + "; this is " + bytes + " bytes");
    }
    return bytes.longValueExact();
  }

  private int history(ConfigValue value, List<String> path) {
    return (int) wholeNumber(value, path, MIN_HISTORY, MAX_HISTORY, HISTORY_RULE);
  }

  private int segments(ConfigValue value, List<String> path) {
    long segments = wholeNumber(value, path, 1, CellarConfiguration.MAX_SEGMENTS, SEGMENTS_RULE);
    if (Long.bitCount(segments) != 1) {
      throw invalid(value, path, SEGMENTS_RULE);
    }
    return (int) segments;
  }

  private long nearCacheSize(ConfigValue value, List<String> path) {
    return wholeNumber(value, path, 0, Math.nextDown(0x1p62), NEAR_CACHE_SIZE_RULE);
  }

  /** A whole number from {@code min} to {@code max}, or the {@code rule} as the error. */
  private long wholeNumber(
      ConfigValue value, List<String> path, double min, double max, String rule) {
    Number number;
    try {
      number = value.atKey(VALUE).getNumber(VALUE);
    } catch (ConfigException e) {
      throw invalid(value, path, rule);
    }
    // Typesafe's getInt would quietly truncate 4.5 to 4.
    double asDouble = number.doubleValue();
    if (asDouble != Math.rint(asDouble) || asDouble < min || asDouble > max) {
      throw invalid(value, path, rule);
    }
    return number.longValue();
  }

  private Set<Class<?>> immutableTypes(ConfigValue value, List<String> path) {
    if (value.valueType() != ConfigValueType.LIST) {
      throw invalid(value, path, IMMUTABLE_TYPES_RULE);
    }
    Set<Class<?>> types = new LinkedHashSet<>();
    for (ConfigValue element : (ConfigList) value) {
      if (element.valueType() != ConfigValueType.STRING) {
        throw invalid(element, path, IMMUTABLE_TYPES_RULE);
      }
      String name = (String) element.unwrapped();
      Class<?> type;
      try {
        type = Class.forName(name, false, classLoader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw invalid(element, path, "no class " + name + " on the cache manager's class path");
      }
      try {
        types.add(ImmutableTypes.check(type));
      } catch (IllegalArgumentException e) {
        throw invalid(element, path, String.valueOf(e.getMessage()));
      }
    }
    return types;
  }

  private boolean bool(ConfigValue value, List<String> path) {
    try {
      return value.atKey(VALUE).getBoolean(VALUE);
    } catch (ConfigException e) {
      throw invalid(value, path, last(path) + " must be true or false");
    }
  }

  private ExpirySetting expiry(ConfigValue value, List<String> path) {
    ConfigObject section = object(value, path);
    ExpirySetting.Policy policy = null;
    ConfigValue durationValue = null;
    for (Map.Entry<String, ConfigValue> entry : inFileOrder(section)) {
      List<String> at = child(path, entry.getKey());
      switch (entry.getKey()) {
        case POLICY -> policy = policy(entry.getValue(), at);
        case DURATION -> durationValue = entry.getValue();
        default -> throw unknownKey(entry.getValue(), at, EXPIRY_KEYS, "");
      }
    }
    if (policy == null) {
      throw fail(
          section,
          ConfigUtil.joinPath(path)
              + " has no policy; expiry needs policy = one of "
              + ExpirySetting.Policy.configNames());
    }
    List<String> durationPath = child(path, DURATION);
    if (policy == ExpirySetting.Policy.ETERNAL) {
      if (durationValue != null) {
        throw invalid(
            durationValue,
            durationPath,
            "an eternal policy takes no duration; remove it or choose a policy that expires");
      }
      return ExpirySetting.ETERNAL;
    }
    if (durationValue == null) {
      throw fail(
          section,
          ConfigUtil.joinPath(path)
              + " has no duration; a "
              + policy.configName()
              + " policy needs one, such as duration = 10 minutes");
    }
    return new ExpirySetting(policy, duration(durationValue, durationPath));
  }

  private ExpirySetting.Policy policy(ConfigValue value, List<String> path) {
    ExpirySetting.Policy policy =
        value.valueType() == ConfigValueType.STRING
            ? ExpirySetting.Policy.named(((String) value.unwrapped()).toLowerCase(Locale.ROOT))
            : null;
    if (policy == null) {
      throw invalid(value, path, "policy must be one of " + ExpirySetting.Policy.configNames());
    }
    return policy;
  }

  private Duration duration(ConfigValue value, List<String> path) {
    // A bare number would be read as milliseconds: too easy to mistake for seconds.
    if (value.valueType() != ConfigValueType.STRING) {
      throw invalid(value, path, DURATION_RULE);
    }
    java.time.Duration length;
    try {
      length = value.atKey(VALUE).getDuration(VALUE);
    } catch (ConfigException e) {
      throw invalid(value, path, DURATION_RULE);
    }
    Duration duration = ExpirySetting.toJCache(length);
    if (duration == null) {
      throw invalid(value, path, DURATION_RULE);
    }
    return duration;
  }

  private ConfigObject object(ConfigValue value, List<String> path) {
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw invalid(value, path, last(path) + " must be an object: " + last(path) + " { ... }");
    }
    return (ConfigObject) value;
  }

  /**
   * The section's entries in the order the file has them, so cache names keep their order and the
   * first mistake in the file is the one reported. Typesafe keeps no order, but every value knows
   * its line; names on one line fall back to name order.
   */
  private static List<Map.Entry<String, ConfigValue>> inFileOrder(ConfigObject section) {
    List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(section.entrySet());
    entries.sort(
        Comparator.comparingInt(
                (Map.Entry<String, ConfigValue> entry) -> entry.getValue().origin().lineNumber())
            .thenComparing(Map.Entry::getKey));
    return entries;
  }

  private CacheException unknownKey(
      ConfigValue value, List<String> path, List<String> allowed, String hint) {
    return fail(
        value,
        "unknown key "
            + ConfigUtil.joinPath(path)
            + "; allowed here: "
            + String.join(", ", allowed)
            + hint);
  }

  private CacheException invalid(ConfigValue value, List<String> path, String rule) {
    return fail(
        value,
        ConfigUtil.joinPath(path)
            + " = "
            + value.render(ConfigRenderOptions.concise())
            + "; "
            + rule);
  }

  private CacheException fail(ConfigValue where, String message) {
    return new CacheException(
        "Invalid Cellar configuration " + uri + location(where.origin()) + ": " + message);
  }

  private String location(ConfigOrigin origin) {
    int line = origin.lineNumber();
    if (line < 1) {
      return "";
    }
    URL from = origin.url();
    if (from != null && from.toExternalForm().equals(fileUrl)) {
      return ", line " + line;
    }
    return " (" + origin.description() + ")"; // A line of a file this one includes.
  }

  private static List<String> child(List<String> path, String key) {
    List<String> child = new ArrayList<>(path.size() + 1);
    child.addAll(path);
    child.add(key);
    return child;
  }

  private static String last(List<String> path) {
    return path.get(path.size() - 1);
  }
}
