package clerk.worker;

import clerk.client.ClerkSettings;
import clerk.activities.db.SiteOverview;
import clerk.workflows.Pipelines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * How the sites are, as health and the dashboard tell it: stuck sites, sites that need an operator
 * (every document failed a stage), sites with work left and no running pipeline (degraded at once, not
 * after the stale threshold), and sites whose folder has files that were skipped. Read at most every
 * 15 seconds however often it is asked.
 */
@Component
public class SiteHealth {
  static final Duration REFRESH = Duration.ofSeconds(15);
  /** Sites listed by name in each list (the counts are complete). */
  static final int LISTED = 20;
  /** Sites with work whose pipeline is looked up, per refresh: one Temporal call each. */
  static final int CHECKED = 500;

  private final SiteOverview overview;
  private final Pipelines pipelines;
  private final Duration threshold;
  private volatile Snapshot last;

  public SiteHealth(SiteOverview overview, Pipelines pipelines, ClerkSettings settings) {
    this.overview = overview;
    this.pipelines = pipelines;
    this.threshold = settings.staleThreshold();
  }

  /**
   * @param withoutPipeline sites with work whose pipeline is not running; null when Temporal could not
   *     be asked
   */
  public record Snapshot(
      Instant at,
      List<SiteOverview.StageCount> byStage,
      int stuck,
      List<SiteOverview.Listed> stuckSites,
      int failed,
      List<SiteOverview.Listed> failedSites,
      Integer withoutPipeline,
      List<SiteOverview.Listed> withoutPipelineSites,
      int storageProblems,
      List<SiteOverview.Listed> storageProblemSites) {}

  /** The latest snapshot, read again when older than {@link #REFRESH}. Throws when the database is down. */
  public Snapshot snapshot() {
    Snapshot s = last;
    if (s == null || s.at().plus(REFRESH).isBefore(Instant.now())) {
      s = read();
      last = s;
    }
    return s;
  }

  private Snapshot read() {
    List<SiteOverview.StageCount> byStage = overview.stageCounts(threshold);
    SiteOverview.Counts counts = overview.counts();
    List<SiteOverview.Listed> idle = new ArrayList<>();
    Integer withoutPipeline = 0;
    try {
      for (SiteOverview.Listed site : overview.withWork(CHECKED)) {
        if (!pipelines.isRunning(site.subdomain())) {
          withoutPipeline++;
          if (idle.size() < LISTED) {
            idle.add(site);
          }
        }
      }
    } catch (RuntimeException temporalUnreachable) {
      withoutPipeline = null; // the temporal component reports why
      idle.clear();
    }
    return new Snapshot(Instant.now(), byStage, byStage.stream().mapToInt(SiteOverview.StageCount::stuck).sum(),
        overview.stuck(threshold, LISTED), counts.failed(), overview.failed(LISTED), withoutPipeline, idle,
        counts.storageProblems(), overview.storageProblems(LISTED));
  }
}
