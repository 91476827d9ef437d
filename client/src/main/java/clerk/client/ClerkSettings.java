package clerk.client;

import clerk.workflows.TaskQueues;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything clerk is configured with, read once from the environment. Empty database URL or Temporal
 * address means "start an embedded one".
 */
public record ClerkSettings(
    Path home,
    Path storageDir,
    Path deployDir,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    int embeddedDatabasePort,
    String temporalAddress,
    TemporalSecurity temporalSecurity,
    int embeddedTemporalPort,
    String namespace,
    String taskQueue,
    int ocrSlots,
    int siteOcrAtOnce,
    String httpAddress,
    int httpPort,
    String temporalUiUrl,
    Duration reconcileInterval,
    Duration staleThreshold,
    Duration reconcileRunTimeout,
    String workerRole,
    String siteUrlTemplate,
    String deployGroup,
    boolean pageImages,
    String logFormat) {

  /** CLERK_WORKER_ROLE: {@code all} (site pipelines, reconciliation and OCR) or {@code ocr} (OCR only). */
  public static final List<String> ROLES = List.of("all", "ocr");
  /** CLERK_LOG_FORMAT: {@code text} lines, or {@code json} (Spring Boot's structured logging, ECS). */
  public static final List<String> LOG_FORMATS = List.of("text", "json");

  public ClerkSettings {
    if (siteOcrAtOnce < 1) {
      throw new IllegalArgumentException("CLERK_SITE_OCR_AT_ONCE=" + siteOcrAtOnce + ": at least 1");
    }
    if (!ROLES.contains(workerRole)) {
      throw new IllegalArgumentException("CLERK_WORKER_ROLE=" + workerRole + ": one of " + ROLES);
    }
    if (!LOG_FORMATS.contains(logFormat)) {
      throw new IllegalArgumentException("CLERK_LOG_FORMAT=" + logFormat + ": one of " + LOG_FORMATS);
    }
  }

  /** An OCR-only worker: more OCR capacity on another machine, next to a full worker. */
  public boolean ocrOnly() {
    return workerRole.equals("ocr");
  }

  /** CLERK_LOG_FORMAT=json: one JSON object a line, for a log collector. */
  public boolean jsonLogs() {
    return logFormat.equals("json");
  }

  public static ClerkSettings fromEnvironment() {
    return from(System.getenv());
  }

  public static ClerkSettings from(Map<String, String> env) {
    Function<String, String> get = key -> {
      String v = System.getProperty(key, env.get(key));
      return v == null || v.isBlank() ? null : v.trim();
    };
    Path home = Path.of(or(get.apply("CLERK_HOME"), ".clerk")).toAbsolutePath().normalize();
    TemporalSecurity temporalSecurity = new TemporalSecurity(
        bool("TEMPORAL_TLS", or(get.apply("TEMPORAL_TLS"), "false")),
        optionalPath(get.apply("TEMPORAL_TLS_CERT")),
        optionalPath(get.apply("TEMPORAL_TLS_KEY")),
        optionalPath(get.apply("TEMPORAL_TLS_CA")),
        get.apply("TEMPORAL_API_KEY"));
    if (temporalSecurity.usesTls() && get.apply("TEMPORAL_ADDRESS") == null) {
      throw new IllegalArgumentException("TEMPORAL_TLS… and TEMPORAL_API_KEY are for a Temporal server of yours"
          + " (TEMPORAL_ADDRESS): the embedded one speaks plain gRPC on 127.0.0.1");
    }
    int ocrSlots = Integer.parseInt(or(get.apply("CLERK_OCR_SLOTS"),
        String.valueOf(Runtime.getRuntime().availableProcessors())));
    return new ClerkSettings(
        home,
        path(get.apply("STORAGE_DIR"), home.resolve("storage")),
        path(get.apply("DEPLOY_DIR"), home.resolve("deploy")),
        get.apply("CLERK_DATABASE_URL"),
        get.apply("CLERK_DATABASE_USER"),
        get.apply("CLERK_DATABASE_PASSWORD"),
        Integer.parseInt(or(get.apply("CLERK_EMBEDDED_DATABASE_PORT"), "54329")),
        get.apply("TEMPORAL_ADDRESS"),
        temporalSecurity,
        Integer.parseInt(or(get.apply("CLERK_EMBEDDED_TEMPORAL_PORT"), "7233")),
        or(get.apply("TEMPORAL_NAMESPACE"), "default"),
        or(get.apply("CLERK_TASK_QUEUE"), TaskQueues.PIPELINE),
        ocrSlots,
        // Two per OCR slot: every slot has its next task queued, and a site started later waits
        // behind a few of another site's tasks, not all of them.
        Integer.parseInt(or(get.apply("CLERK_SITE_OCR_AT_ONCE"), String.valueOf(2 * ocrSlots))),
        or(get.apply("CLERK_HTTP_ADDRESS"), "127.0.0.1"),
        Integer.parseInt(or(get.apply("CLERK_HTTP_PORT"), "8077")),
        or(get.apply("CLERK_TEMPORAL_UI_URL"), "http://localhost:8233"),
        duration("CLERK_RECONCILE_INTERVAL", or(get.apply("CLERK_RECONCILE_INTERVAL"), "15m")),
        duration("CLERK_STALE_THRESHOLD", or(get.apply("CLERK_STALE_THRESHOLD"), "2h")),
        duration("CLERK_RECONCILE_TIMEOUT", or(get.apply("CLERK_RECONCILE_TIMEOUT"), "30m")),
        or(get.apply("CLERK_WORKER_ROLE"), "all"),
        or(get.apply("CLERK_SITE_URL"), DEFAULT_SITE_URL),
        // Unset: the default group (www-data where it can be given); set but empty: readable by everyone.
        System.getProperty("CLERK_DEPLOY_GROUP", env.get("CLERK_DEPLOY_GROUP")),
        onOff("CLERK_PAGE_IMAGES", or(get.apply("CLERK_PAGE_IMAGES"), "off")),
        or(get.apply("CLERK_LOG_FORMAT"), "text").toLowerCase(Locale.ROOT));
  }

  private static boolean onOff(String name, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes", "1" -> true;
      case "off", "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException(name + "=" + value + ": on or off");
    };
  }

  /**
   * Where a site's bundle is served, {@code {subdomain}} standing for the site: search links to a
   * page's row there ({@code /meetings/minutes/{id}}) and to its image. The default is the example
   * nginx configuration in deploy/nginx on this host.
   */
  public static final String DEFAULT_SITE_URL = "http://{subdomain}.localhost:8001";

  /** The base URL of a site's published bundle (no trailing slash). */
  public String siteUrl(String subdomain) {
    String url = siteUrlTemplate.replace("{subdomain}", subdomain);
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Who may read the bundles deploy writes ({@code CLERK_DEPLOY_GROUP}). */
  public clerk.activities.deploy.BundlePermissions bundlePermissions() {
    return clerk.activities.deploy.BundlePermissions.of(deployGroup);
  }

  private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  /** {@code 15m}, {@code 2h}, {@code 1h30m}, {@code 90s}, or ISO-8601 ({@code PT15M}). */
  static Duration duration(String name, String value) {
    if (value.equalsIgnoreCase("off")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
    if (!value.isEmpty() && m.matches()) {
      Duration d = Duration.ZERO;
      d = m.group(1) == null ? d : d.plusHours(Long.parseLong(m.group(1)));
      d = m.group(2) == null ? d : d.plusMinutes(Long.parseLong(m.group(2)));
      d = m.group(3) == null ? d : d.plusSeconds(Long.parseLong(m.group(3)));
      return d;
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + "=" + value + ": not a duration (use e.g. 15m, 2h, 1h30m)");
    }
  }

  private static String or(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static Path path(String value, Path fallback) {
    return value == null ? fallback : Path.of(value).toAbsolutePath().normalize();
  }

  /**
   * Activities the pipeline task queue runs at once on this worker (compilation, extraction, deploy,
   * bookkeeping, reconciliation): cheap database work, so a fixed few, not the SDK's 200.
   */
  public int pipelineSlots() {
    return 8;
  }

  /**
   * Connections of the worker's pool, from the slots that use them: one per OCR slot and per pipeline
   * slot, the sites a reconciliation batch examines at once, and a few for health, the dashboard and
   * the gauges. With the slots bounded by it, waiting for a connection is back-pressure, not an outage.
   */
  public int databasePoolSize() {
    return ocrSlots + pipelineSlots() + clerk.activities.reconcile.ReconciliationActivitiesImpl.SITES_AT_ONCE + 3;
  }

  private static Path optionalPath(String value) {
    return path(value, null);
  }

  private static boolean bool(String name, String value) {
    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(name + "=" + value + ": true or false");
    }
    return Boolean.parseBoolean(value);
  }

  /** Whether the worker runs reconciliation on a timer ({@code CLERK_RECONCILE_INTERVAL=off}: no). */
  public boolean reconcileOnSchedule() {
    return !reconcileInterval.isZero();
  }

  /** Where a running worker says which services it uses, so the CLI finds them. */
  public Path runtimeFile() {
    return home.resolve("worker.json");
  }

  /** The Temporal UI page of the site's pipeline workflow. */
  public String workflowLink(String subdomain) {
    return clerk.workflows.Pipelines.uiLink(temporalUiUrl, namespace, subdomain);
  }

  /** Never the password: settings end up in logs and error messages. */
  @Override
  public String toString() {
    return "ClerkSettings[home=" + home + ", storage=" + storageDir + ", deploy=" + deployDir
        + ", database=" + databaseUrl + " as " + databaseUser
        + ", temporal=" + temporalAddress + " " + temporalSecurity
        + ", namespace=" + namespace + ", taskQueue=" + taskQueue + ", role=" + workerRole + "]";
  }

  /** These settings with the database a command or worker actually uses (e.g. the embedded one). */
  public ClerkSettings withDatabase(String databaseUrl, String databaseUser, String databasePassword) {
    return new ClerkSettings(home, storageDir, deployDir, databaseUrl, databaseUser, databasePassword,
        embeddedDatabasePort, temporalAddress, temporalSecurity, embeddedTemporalPort, namespace, taskQueue,
        ocrSlots, siteOcrAtOnce, httpAddress, httpPort, temporalUiUrl, reconcileInterval, staleThreshold, reconcileRunTimeout, workerRole,
        siteUrlTemplate, deployGroup, pageImages, logFormat);
  }

  public ClerkSettings withTemporal(String temporalAddress) {
    return new ClerkSettings(home, storageDir, deployDir, databaseUrl, databaseUser, databasePassword,
        embeddedDatabasePort, temporalAddress, temporalSecurity, embeddedTemporalPort, namespace, taskQueue,
        ocrSlots, siteOcrAtOnce, httpAddress, httpPort, temporalUiUrl, reconcileInterval, staleThreshold, reconcileRunTimeout, workerRole,
        siteUrlTemplate, deployGroup, pageImages, logFormat);
  }

  public ClerkSettings withHttpPort(int port) {
    return new ClerkSettings(home, storageDir, deployDir, databaseUrl, databaseUser, databasePassword,
        embeddedDatabasePort, temporalAddress, temporalSecurity, embeddedTemporalPort, namespace, taskQueue,
        ocrSlots, siteOcrAtOnce, httpAddress, port, temporalUiUrl, reconcileInterval, staleThreshold, reconcileRunTimeout, workerRole,
        siteUrlTemplate, deployGroup, pageImages, logFormat);
  }
}
