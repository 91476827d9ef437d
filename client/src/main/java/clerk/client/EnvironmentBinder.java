package clerk.client;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Every setting clerk reads ({@link #SETTINGS}: its variable, default and form), bound from the
 * environment by Spring Boot's {@link Binder}, without an application context: the worker and every
 * CLI command read their settings here, and docs/configuration.md is tested against the list. A value
 * that does not convert fails in one line naming the variable and the form it takes.
 */
final class EnvironmentBinder {
  /**
   * One setting: its environment variable, its default as docs/configuration.md shows it, and the form
   * of its values (shown in errors).
   */
  record Setting(String env, String defaultValue, String form) {}

  static final List<Setting> SETTINGS = List.of(
      new Setting("CLERK_HOME", "./.clerk", "a directory"),
      new Setting("STORAGE_DIR", "$CLERK_HOME/storage", "a directory"),
      new Setting("DEPLOY_DIR", "$CLERK_HOME/deploy", "a directory"),
      new Setting("CLERK_DATABASE_URL", "embedded server", "jdbc:postgresql://host:port/database"),
      new Setting("CLERK_DATABASE_USER", "none", "text"),
      new Setting("CLERK_DATABASE_PASSWORD", "none", "text"),
      new Setting("CLERK_EMBEDDED_DATABASE_PORT", "54329", "a port number"),
      new Setting("TEMPORAL_ADDRESS", "embedded server", "host:port"),
      new Setting("CLERK_EMBEDDED_TEMPORAL_PORT", "7233", "a port number"),
      new Setting("TEMPORAL_TLS_CERT", "none", "a PEM file"),
      new Setting("TEMPORAL_TLS_KEY", "none", "a PKCS#8 PEM file"),
      new Setting("TEMPORAL_TLS_CA", "the JDK's CAs", "a PEM file"),
      new Setting("TEMPORAL_TLS", "false", "true or false"),
      new Setting("TEMPORAL_API_KEY", "none", "text"),
      new Setting("TEMPORAL_NAMESPACE", "default", "text"),
      new Setting("CLERK_TASK_QUEUE", "clerk-pipeline", "text"),
      new Setting("CLERK_OCR_SLOTS", "number of cores", "a whole number, at least 1"),
      new Setting("CLERK_SITE_OCR_AT_ONCE", "2 × CLERK_OCR_SLOTS", "a whole number, at least 1"),
      new Setting("CLERK_WORKER_ROLE", "all", "all or ocr"),
      new Setting("CLERK_OCR_LANG", "eng", "Tesseract languages, e.g. eng+spa"),
      new Setting("TESSDATA_PREFIX", "the usual install locations", "a directory"),
      new Setting("CLERK_HTTP_ADDRESS", "127.0.0.1", "an IP address or host name"),
      new Setting("CLERK_HTTP_PORT", "8077", "a port number (0: any free one)"),
      new Setting("CLERK_OCR_DPI", "300", "a whole number from 72 to 1200"),
      new Setting("CLERK_OCR_FORCE", "false", "true or false"),
      new Setting("CLERK_OCR_PAGE_TIMEOUT", "120", "seconds, a whole number"),
      new Setting("CLERK_TEMPORAL_UI_URL", "http://localhost:8233", "a URL"),
      new Setting("CLERK_RECONCILE_INTERVAL", "15m", "a duration (15m, 1h30m, 90s, PT1H30M) or off"),
      new Setting("CLERK_STALE_THRESHOLD", "2h", "a duration (2h, 1h30m, PT1H30M)"),
      new Setting("CLERK_RECONCILE_TIMEOUT", "30m", "a duration (30m, 1h30m, PT1H30M)"),
      new Setting("CLERK_SITE_URL", "http://{subdomain}.localhost:8001", "a URL, {subdomain} standing for the site"),
      new Setting("CLERK_DEPLOY_GROUP", "www-data", "a group name, or empty"),
      new Setting("CLERK_PAGE_IMAGES", "off", "on or off"),
      new Setting("CLERK_LOG_FORMAT", "text", "text or json"),
      new Setting("CLERK_DISK_MIN_FREE", "1GB", "a size (500MB, 1GB, 20GB)"));

  private static final Map<String, Setting> BY_ENV = new LinkedHashMap<>();

  static {
    SETTINGS.forEach(s -> BY_ENV.put(s.env(), s));
  }

  private final Binder binder;

  /** Binds {@code env}, with a system property of a setting's name taking its place (tests, -D). */
  EnvironmentBinder(Map<String, String> env) {
    Map<String, Object> values = new HashMap<>(env);
    for (Setting s : SETTINGS) {
      String property = System.getProperty(s.env());
      if (property != null) {
        values.put(s.env(), property);
      }
    }
    // Named as the process environment is, so Spring Boot maps its names as it does the real one's.
    binder = new Binder(ConfigurationPropertySources.from(new SystemEnvironmentPropertySource(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, values)));
  }

  /** The value as written (trimmed), null when unset or blank. */
  String text(String env) {
    setting(env);
    String value = binder.bind(property(env), String.class).orElse(null);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** The value converted by Spring Boot's conversion service, null when unset or blank. */
  <T> T bind(String env, Class<T> type) {
    String raw = text(env);
    if (raw == null) {
      return null;
    }
    try {
      return binder.bind(property(env), Bindable.of(type)).orElse(null);
    } catch (BindException e) {
      throw invalid(setting(env), raw);
    }
  }

  /** A duration ({@link Durations}: {@code 15m}, {@code 1h30m}, ISO-8601); {@code off} where allowed: zero. */
  java.time.Duration duration(String env) {
    Setting setting = setting(env);
    String raw = text(env);
    String value = raw == null ? setting.defaultValue() : raw.trim();
    if (value.equalsIgnoreCase("off") && setting.form().endsWith("or off")) {
      return java.time.Duration.ZERO;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw invalid(setting, value);
    }
  }

  /** The failure of a value that does not convert: one line, the variable and the form it takes. */
  static IllegalArgumentException invalid(Setting setting, String value) {
    return new IllegalArgumentException(setting.env() + "=" + value + ": expected " + setting.form());
  }

  static Setting setting(String env) {
    Setting setting = BY_ENV.get(env);
    if (setting == null) {
      throw new IllegalStateException(env + " is not in EnvironmentBinder.SETTINGS");
    }
    return setting;
  }

  /** The property Spring Boot maps the variable to: CLERK_OCR_SLOTS is clerk.ocr.slots. */
  private static String property(String env) {
    return env.toLowerCase(Locale.ROOT).replace('_', '.');
  }
}
