package clerk.worker;

import clerk.client.ClerkSettings;
import clerk.activities.db.PageWarnings;
import clerk.activities.db.ReconciliationRuns;
import clerk.activities.db.SiteOverview;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.storage.InvalidNameException;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.Pipelines;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The JSON behind the worker's dashboard ({@code static/index.html}): {@code GET /v1/dashboard} for
 * the overview, {@code GET /v1/sites/{subdomain}} for one site. Everything comes from the database
 * except a site's live progress, which is the running pipeline's query.
 */
@RestController
public class DashboardController {
  /** How many of the latest failed documents (all sites) the overview lists. */
  static final int RECENT_FAILURES = 20;
  /** Sites per page of the overview's site list (at most {@link #MAX_PAGE_SIZE} when asked). */
  static final int PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;

  private final SiteRepository repository;
  private final SiteOverview overview;
  private final SiteHealth health;
  private final ReconciliationRuns runs;
  private final Pipelines pipelines;
  private final ClerkSettings settings;

  public DashboardController(SiteRepository repository, SiteOverview overview, SiteHealth health,
      ReconciliationRuns runs, Pipelines pipelines, ClerkSettings settings) {
    this.repository = repository;
    this.overview = overview;
    this.health = health;
    this.runs = runs;
    this.pipelines = pipelines;
    this.settings = settings;
  }

  /**
   * The overview: aggregates over every site and short lists (stuck, needing an operator, without a
   * pipeline, with skipped files), then one page of the sites ({@code ?page=0&size=100}).
   */
  @GetMapping("/v1/dashboard")
  public Map<String, Object> dashboard(@RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "" + PAGE_SIZE) int size) {
    int pageSize = Math.max(1, Math.min(size, MAX_PAGE_SIZE));
    int pageNumber = Math.max(0, page);
    Instant now = Instant.now();
    SiteHealth.Snapshot sites = health.snapshot();
    Map<String, Integer> byStage = new LinkedHashMap<>();
    for (String stage : List.of("none", "ocr", "compilation", "extraction", "deploy", "completed", "failed")) {
      byStage.put(stage, 0);
    }
    sites.byStage().forEach(c -> byStage.put(c.stage(), c.sites()));
    List<Map<String, Object>> stuck = new ArrayList<>();
    for (SiteOverview.Listed site : sites.stuckSites()) {
      Map<String, Object> s = listed(site);
      s.put("hoursStuck", Math.round(Duration.between(site.updatedAt(), now).toMinutes() / 6.0) / 10.0);
      stuck.add(s);
    }
    Map<String, Object> failureRates = new LinkedHashMap<>();
    for (SiteOverview.StageFailures f : overview.failureRates()) {
      Map<String, Object> rate = new LinkedHashMap<>();
      rate.put("total", f.total());
      rate.put("failed", f.failed());
      rate.put("rate", f.total() == 0 ? 0.0 : (double) f.failed() / f.total());
      failureRates.put(f.stage().dbName(), rate);
    }
    SiteOverview.Page rows = overview.sites(pageNumber * pageSize, pageSize);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("generatedAt", now.toString());
    out.put("staleThresholdHours", settings.staleThreshold().toMinutes() / 60.0);
    out.put("sitesByStage", byStage);
    out.put("stuck", sites.stuck());
    out.put("stuckSites", stuck);
    out.put("needsOperator", sites.failed());
    out.put("needsOperatorSites", sites.failedSites().stream().map(DashboardController::listed).toList());
    out.put("withoutPipeline", sites.withoutPipeline());
    out.put("withoutPipelineSites", sites.withoutPipelineSites().stream().map(DashboardController::listed).toList());
    out.put("storageProblems", sites.storageProblems());
    out.put("storageProblemSites", sites.storageProblemSites().stream().map(DashboardController::listed).toList());
    out.put("failureRates", failureRates);
    out.put("recentFailures", recentFailures());
    out.put("lastReconciliation", lastReconciliation());
    out.put("sitesTotal", rows.total());
    out.put("page", pageNumber);
    out.put("pageSize", pageSize);
    out.put("sites", rows.sites().stream().map(this::summary).toList());
    return out;
  }

  private static Map<String, Object> listed(SiteOverview.Listed site) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("subdomain", site.subdomain());
    s.put("stage", site.stage());
    s.put("updatedAt", site.updatedAt().toString());
    if (!site.detail().isEmpty()) {
      s.put("detail", site.detail());
    }
    return s;
  }

  @GetMapping("/v1/sites/{subdomain}")
  public ResponseEntity<Map<String, Object>> site(@PathVariable String subdomain) {
    try {
      SiteStorage.validateSubdomain(subdomain);
    } catch (InvalidNameException e) {
      return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
    SiteRow site = repository.site(subdomain);
    if (site == null) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND)
          .body(Map.of("error", "unknown site " + subdomain));
    }
    Map<String, Object> out = summary(site);
    out.put("startedAt", text(site.startedAt()));
    out.put("completedAt", text(site.completedAt()));
    Map<String, Object> lastError = null;
    if (site.lastErrorMessage() != null) {
      lastError = new LinkedHashMap<>();
      lastError.put("stage", site.lastErrorStage());
      lastError.put("message", site.lastErrorMessage());
      lastError.put("at", text(site.lastErrorAt()));
    }
    out.put("lastError", lastError);
    out.put("failedDocuments", repository.failedDocuments(subdomain));
    out.put("pageWarnings", new PageWarnings(repository.dataSource()).ofSite(subdomain));
    out.put("storageProblems", site.storageProblems());
    Object running = null;
    try {
      running = pipelines.progress(subdomain).orElse(null);
    } catch (RuntimeException temporalUnreachable) {
      // The page still shows what the database knows.
    }
    out.put("running", running);
    return ResponseEntity.ok(out);
  }

  private Map<String, Object> summary(SiteRow site) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("subdomain", site.subdomain());
    row.put("name", site.name());
    row.put("stage", stage(site));
    Map<String, Object> counters = new LinkedHashMap<>();
    for (Stage stage : Stage.PIPELINE) {
      StageCounters c = site.counters(stage);
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("total", c.total());
      n.put("completed", c.completed());
      n.put("failed", c.failed());
      counters.put(stage.dbName(), n);
    }
    row.put("counters", counters);
    row.put("updatedAt", site.updatedAt().toString());
    row.put("note", site.note());
    row.put("workflow", settings.workflowLink(site.subdomain()));
    return row;
  }

  /** The latest documents that failed a stage, any site, newest first. */
  private List<Map<String, Object>> recentFailures() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SiteOverview.RecentFailure failure : overview.recentFailures(RECENT_FAILURES)) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("subdomain", failure.subdomain());
      f.put("documentId", failure.documentId());
      f.put("stage", failure.stage());
      f.put("error", failure.error());
      f.put("at", failure.at().toString());
      out.add(f);
    }
    return out;
  }

  private Map<String, Object> lastReconciliation() {
    return runs.last().map(run -> {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("runId", run.id());
      r.put("trigger", run.trigger());
      r.put("status", run.status());
      r.put("finishedAt", text(run.finishedAt()));
      r.put("scanned", run.scanned());
      r.put("examined", run.examined());
      r.put("repaired", run.repaired());
      r.put("signalled", run.signalled());
      r.put("restarted", run.restarted());
      r.put("allFailed", run.allFailed());
      r.put("errors", run.errors());
      return r;
    }).orElse(null);
  }

  private static String stage(SiteRow site) {
    return site.currentStage() == null ? "none" : site.currentStage().dbName();
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
