package clerk.worker;

import clerk.client.ClerkSettings;
import clerk.activities.db.SiteOverview;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code clerk_sites{stage}} and {@code clerk_stuck_sites{stage}} from the {@code sites} table, read at
 * most every 15 seconds however often Prometheus scrapes. Every worker exports the same values (they
 * are the database's, not the worker's): dashboards take their max across instances, never the sum.
 * Sites never started ({@code current_stage} none) are stage {@code registered}: a {@code "none"} label
 * reads as a filler.
 */
@Component
public class SiteGauges implements MeterBinder {
  private static final Logger log = LoggerFactory.getLogger(SiteGauges.class);
  static final List<String> STAGES =
      List.of("none", "ocr", "compilation", "extraction", "deploy", "completed", "failed");
  static final String NEVER_STARTED = "registered";
  private static final long REFRESH_NANOS = Duration.ofSeconds(15).toNanos();

  private final SiteOverview overview;
  private final Duration threshold;
  private final Map<String, SiteOverview.StageCount> counts = new ConcurrentHashMap<>();
  private volatile long readAt = System.nanoTime() - REFRESH_NANOS;

  public SiteGauges(SiteOverview overview, ClerkSettings settings) {
    this.overview = overview;
    this.threshold = settings.staleThreshold();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (String stage : STAGES) {
      Gauge.builder("clerk_sites", () -> current(stage).sites())
          .description("Sites by current stage (registered: never started; failed: every document"
              + " failed a stage, an operator must look)")
          .tag("stage", label(stage))
          .register(registry);
      Gauge.builder("clerk_stuck_sites", () -> current(stage).stuck())
          .description("Sites with work left (not completed or failed) and no progress for CLERK_STALE_THRESHOLD")
          .tag("stage", label(stage))
          .register(registry);
    }
  }

  private static String label(String stage) {
    return stage.equals("none") ? NEVER_STARTED : stage;
  }

  private SiteOverview.StageCount current(String stage) {
    if (System.nanoTime() - readAt >= REFRESH_NANOS) {
      synchronized (this) {
        if (System.nanoTime() - readAt >= REFRESH_NANOS) {
          try {
            counts.clear();
            overview.stageCounts(threshold).forEach(c -> counts.put(c.stage(), c));
          } catch (RuntimeException e) {
            log.debug("site gauges: {}", e.getMessage()); // the database health indicator reports it
          }
          readAt = System.nanoTime();
        }
      }
    }
    return counts.getOrDefault(stage, new SiteOverview.StageCount(stage, 0, 0));
  }
}
