package clerk.worker;

import clerk.client.ClerkSettings;
import clerk.activities.db.PageWarnings;
import clerk.activities.db.ReconciliationRuns;
import clerk.activities.db.SiteOverview;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.storage.InvalidNameException;
import clerk.activities.storage.SiteStorage;
import clerk.client.api.DashboardJson;
import clerk.client.api.SiteJson;
import clerk.workflows.Pipelines;
import clerk.workflows.SiteProgress;
import clerk.workflows.Stage;
import java.time.Instant;
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
 * the overview ({@link DashboardJson}), {@code GET /v1/sites/{subdomain}} for one site
 * ({@link SiteJson.Detail}, as {@code clerk status SITE --json}). Everything comes from the database
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
  public DashboardJson dashboard(@RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "" + PAGE_SIZE) int size) {
    int pageSize = Math.max(1, Math.min(size, MAX_PAGE_SIZE));
    int pageNumber = Math.max(0, page);
    Instant now = Instant.now();
    SiteHealth.Snapshot sites = health.snapshot();
    Map<String, Integer> byStage = new LinkedHashMap<>();
    byStage.put("none", 0);
    for (Stage stage : Stage.values()) {
      byStage.put(stage.dbName(), 0);
    }
    sites.byStage().forEach(c -> byStage.put(c.stage(), c.sites()));
    Map<String, DashboardJson.FailureRate> failureRates = new LinkedHashMap<>();
    for (SiteOverview.StageFailures f : overview.failureRates()) {
      failureRates.put(f.stage().dbName(), new DashboardJson.FailureRate(f.total(), f.failed(),
          f.total() == 0 ? 0.0 : (double) f.failed() / f.total()));
    }
    SiteOverview.Page rows = overview.sites(pageNumber * pageSize, pageSize);
    return new DashboardJson(now.toString(), settings.staleThreshold().toMinutes() / 60.0, byStage,
        sites.stuck(), sites.stuckSites().stream().map(s -> DashboardJson.Listed.stuck(s, now)).toList(),
        sites.failed(), listed(sites.failedSites()),
        sites.withoutPipeline(), listed(sites.withoutPipelineSites()),
        sites.storageProblems(), listed(sites.storageProblemSites()),
        failureRates,
        overview.recentFailures(RECENT_FAILURES).stream().map(DashboardJson.RecentFailure::of).toList(),
        runs.last().map(ReconciliationRuns.Run::report).orElse(null),
        rows.total(), pageNumber, pageSize,
        rows.sites().stream().map(site -> SiteJson.summary(site, settings)).toList());
  }

  private static List<DashboardJson.Listed> listed(List<SiteOverview.Listed> sites) {
    return sites.stream().map(DashboardJson.Listed::of).toList();
  }

  @GetMapping("/v1/sites/{subdomain}")
  public ResponseEntity<?> site(@PathVariable String subdomain) {
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
    SiteProgress running = null;
    try {
      running = pipelines.progress(subdomain).orElse(null);
    } catch (RuntimeException temporalUnreachable) {
      // The page still shows what the database knows.
    }
    return ResponseEntity.ok(SiteJson.detail(site, settings, repository, running));
  }
}
