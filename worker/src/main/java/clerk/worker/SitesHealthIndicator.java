package clerk.worker;

import clerk.activities.db.SiteRepository;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "sites": sites by stage and how many are stuck. Stuck sites do not
 * make the worker unhealthy (reconciliation is on it); {@code clerk health} reports them as degraded.
 */
@Component("sites")
public class SitesHealthIndicator implements HealthIndicator {
  private final SiteRepository repository;
  private final ClerkSettings settings;

  public SitesHealthIndicator(SiteRepository repository, ClerkSettings settings) {
    this.repository = repository;
    this.settings = settings;
  }

  @Override
  public Health health() {
    Map<String, Integer> byStage = new LinkedHashMap<>();
    int stuck = 0;
    for (SiteRepository.StageCount c : repository.stageCounts(settings.staleThreshold())) {
      byStage.put(c.stage(), c.sites());
      stuck += c.stuck();
    }
    return Health.up()
        .withDetail("byStage", byStage)
        .withDetail("stuck", stuck)
        .withDetail("staleThresholdMinutes", settings.staleThreshold().toMinutes())
        .build();
  }
}
