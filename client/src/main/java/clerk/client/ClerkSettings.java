package clerk.client;

import clerk.activities.ocr.OcrSettings;
import clerk.workflows.TaskQueues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.util.unit.DataSize;

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
    String logFormat,
    DataSize diskMinFree,
    OcrSettings ocr) {

  /** CLERK_WORKER_ROLE: {@code all} (site pipelines, reconciliation and OCR) or {@code ocr} (OCR only). */
  public static final List<String> ROLES = List.of("all", "ocr");
  /** CLERK_LOG_FORMAT: {@code text} lines, or {@code json} (Spring Boot's structured logging, ECS). */
  public static final List<String> LOG_FORMATS = List.of("text", "json");

  public ClerkSettings {
    if (siteOcrAtOnce < 1) {
      throw EnvironmentBinder.invalid(EnvironmentBinder.setting("CLERK_SITE_OCR_AT_ONCE"), String.valueOf(siteOcrAtOnce));
    }
    if (!ROLES.contains(workerRole)) {
      throw EnvironmentBinder.invalid(EnvironmentBinder.setting("CLERK_WORKER_ROLE"), workerRole);
    }
    if (!LOG_FORMATS.contains(logFormat)) {
      throw EnvironmentBinder.invalid(EnvironmentBinder.setting("CLERK_LOG_FORMAT"), logFormat);
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

  /**
   * The settings in {@code env} (and system properties of the same names), bound by Spring Boot's
   * binder ({@link EnvironmentBinder}: every setting, its default and form; docs/configuration.md).
   */
  public static ClerkSettings from(Map<String, String> env) {
    EnvironmentBinder b = new EnvironmentBinder(env);
    Path home = path(b, "CLERK_HOME", Path.of(".clerk")).toAbsolutePath().normalize();
    TemporalSecurity temporalSecurity = new TemporalSecurity(
        or(b.bind("TEMPORAL_TLS", Boolean.class), false),
        path(b, "TEMPORAL_TLS_CERT", null),
        path(b, "TEMPORAL_TLS_KEY", null),
        path(b, "TEMPORAL_TLS_CA", null),
        b.text("TEMPORAL_API_KEY"));
    if (temporalSecurity.usesTls() && b.text("TEMPORAL_ADDRESS") == null) {
      throw new IllegalArgumentException("TEMPORAL_TLS… and TEMPORAL_API_KEY are for a Temporal server of yours"
          + " (TEMPORAL_ADDRESS): the embedded one speaks plain gRPC on 127.0.0.1");
    }
    int ocrSlots = atLeastOne(b, "CLERK_OCR_SLOTS", Runtime.getRuntime().availableProcessors());
    String deployGroup = System.getProperty("CLERK_DEPLOY_GROUP", env.get("CLERK_DEPLOY_GROUP"));
    return new ClerkSettings(
        home,
        path(b, "STORAGE_DIR", home.resolve("storage")),
        path(b, "DEPLOY_DIR", home.resolve("deploy")),
        b.text("CLERK_DATABASE_URL"),
        b.text("CLERK_DATABASE_USER"),
        b.text("CLERK_DATABASE_PASSWORD"),
        or(b.bind("CLERK_EMBEDDED_DATABASE_PORT", Integer.class), 54329),
        b.text("TEMPORAL_ADDRESS"),
        temporalSecurity,
        or(b.bind("CLERK_EMBEDDED_TEMPORAL_PORT", Integer.class), 7233),
        or(b.text("TEMPORAL_NAMESPACE"), "default"),
        or(b.text("CLERK_TASK_QUEUE"), TaskQueues.PIPELINE),
        ocrSlots,
        // Two per OCR slot: every slot has its next task queued, and a site started later waits
        // behind a few of another site's tasks, not all of them.
        atLeastOne(b, "CLERK_SITE_OCR_AT_ONCE", 2 * ocrSlots),
        or(b.text("CLERK_HTTP_ADDRESS"), "127.0.0.1"),
        or(b.bind("CLERK_HTTP_PORT", Integer.class), 8077),
        or(b.text("CLERK_TEMPORAL_UI_URL"), "http://localhost:8233"),
        b.duration("CLERK_RECONCILE_INTERVAL"),
        b.duration("CLERK_STALE_THRESHOLD"),
        b.duration("CLERK_RECONCILE_TIMEOUT"),
        oneOf(b, "CLERK_WORKER_ROLE", ROLES),
        or(b.text("CLERK_SITE_URL"), DEFAULT_SITE_URL),
        // Unset: the default group (www-data where it can be given); set but empty: readable by everyone.
        deployGroup == null ? null : deployGroup.trim(),
        or(b.bind("CLERK_PAGE_IMAGES", Boolean.class), false),
        oneOf(b, "CLERK_LOG_FORMAT", LOG_FORMATS),
        or(b.bind("CLERK_DISK_MIN_FREE", DataSize.class), DataSize.ofGigabytes(1)),
        ocr(b));
  }

  private static OcrSettings ocr(EnvironmentBinder b) {
    int dpi = or(b.bind("CLERK_OCR_DPI", Integer.class), OcrSettings.DEFAULT_DPI);
    if (dpi < 72 || dpi > 1200) {
      throw EnvironmentBinder.invalid(EnvironmentBinder.setting("CLERK_OCR_DPI"), String.valueOf(dpi));
    }
    int timeout = atLeastOne(b, "CLERK_OCR_PAGE_TIMEOUT", (int) OcrSettings.DEFAULT_PAGE_TIMEOUT.toSeconds());
    return new OcrSettings(or(b.text("CLERK_OCR_LANG"), OcrSettings.DEFAULT_LANG), dpi,
        path(b, "TESSDATA_PREFIX", null), or(b.bind("CLERK_OCR_FORCE", Boolean.class), false),
        Duration.ofSeconds(timeout));
  }

  private static int atLeastOne(EnvironmentBinder b, String env, int fallback) {
    int value = or(b.bind(env, Integer.class), fallback);
    if (value < 1) {
      throw EnvironmentBinder.invalid(EnvironmentBinder.setting(env), String.valueOf(value));
    }
    return value;
  }

  private static String oneOf(EnvironmentBinder b, String env, List<String> allowed) {
    String value = or(b.text(env), allowed.get(0)).trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(value)) {
      throw EnvironmentBinder.invalid(EnvironmentBinder.setting(env), value);
    }
    return value;
  }

  private static Path path(EnvironmentBinder b, String env, Path fallback) {
    String value = b.text(env);
    return value == null ? fallback : Path.of(value.trim()).toAbsolutePath().normalize();
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

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
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
        siteUrlTemplate, deployGroup, pageImages, logFormat, diskMinFree, ocr);
  }

  public ClerkSettings withTemporal(String temporalAddress) {
    return new ClerkSettings(home, storageDir, deployDir, databaseUrl, databaseUser, databasePassword,
        embeddedDatabasePort, temporalAddress, temporalSecurity, embeddedTemporalPort, namespace, taskQueue,
        ocrSlots, siteOcrAtOnce, httpAddress, httpPort, temporalUiUrl, reconcileInterval, staleThreshold, reconcileRunTimeout, workerRole,
        siteUrlTemplate, deployGroup, pageImages, logFormat, diskMinFree, ocr);
  }

  public ClerkSettings withHttpPort(int port) {
    return new ClerkSettings(home, storageDir, deployDir, databaseUrl, databaseUser, databasePassword,
        embeddedDatabasePort, temporalAddress, temporalSecurity, embeddedTemporalPort, namespace, taskQueue,
        ocrSlots, siteOcrAtOnce, httpAddress, port, temporalUiUrl, reconcileInterval, staleThreshold, reconcileRunTimeout, workerRole,
        siteUrlTemplate, deployGroup, pageImages, logFormat, diskMinFree, ocr);
  }
}
