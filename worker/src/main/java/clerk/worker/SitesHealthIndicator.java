package clerk.worker;

import clerk.client.ClerkSettings;
import clerk.activities.db.SiteOverview;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "sites": sites by stage, stuck sites, sites that need an operator,
 * sites with work and no running pipeline, sites with skipped files. None of these makes the worker
 * unhealthy (reconciliation or an operator is on it); {@code clerk health} reports them as degraded.
 * The database down makes the component DOWN with the reason at once (the database's own check says
 * so first, so health does not wait on the pool), never an error page.
 */
@Component("sites")
public class SitesHealthIndicator implements HealthIndicator {
  private final SiteHealth sites;
  private final DatabaseHealthIndicator database;
  private final ClerkSettings settings;

  public SitesHealthIndicator(SiteHealth sites, DatabaseHealthIndicator database, ClerkSettings settings) {
    this.sites = sites;
    this.database = database;
    this.settings = settings;
  }

  @Override
  public Health health() {
    SiteHealth.Snapshot s;
    try {
      var problem = database.problem();
      if (problem.isPresent()) {
        return Health.down().withDetail("error", "cannot read the sites: " + problem.get()).build();
      }
      s = sites.snapshot();
    } catch (RuntimeException e) {
      return Health.down().withDetail("error", "cannot read the sites: " + e.getMessage()).build();
    }
    Map<String, Integer> byStage = new LinkedHashMap<>();
    s.byStage().forEach(c -> byStage.put(c.stage(), c.sites()));
    return Health.up()
        .withDetail("by_stage", byStage)
        .withDetail("stuck", s.stuck())
        .withDetail("stale_threshold_minutes", settings.staleThreshold().toMinutes())
        .withDetail("failed", s.failed())
        .withDetail("failed_sites", names(s.failedSites()))
        .withDetail("without_pipeline", s.withoutPipeline() == null ? "unknown" : s.withoutPipeline())
        .withDetail("without_pipeline_sites", names(s.withoutPipelineSites()))
        .withDetail("storage_problems", s.storageProblems())
        .withDetail("storage_problem_sites", names(s.storageProblemSites()))
        .build();
  }

  private static List<String> names(List<SiteOverview.Listed> sites) {
    return sites.stream().map(SiteOverview.Listed::subdomain).toList();
  }
}
