package clerk.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/** One reconciliation run: begin (lease, stuck sites), each site in turn, finish (record, release). */
public class ReconciliationWorkflowImpl implements ReconciliationWorkflow {
  private static final Logger log = Workflow.getLogger(ReconciliationWorkflowImpl.class);

  private final ReconciliationActivities activities =
      Workflow.newActivityStub(
          ReconciliationActivities.class,
          ActivityOptions.newBuilder()
              // A site's disk scan is the long part: a site with 100,000 documents takes seconds.
              .setStartToCloseTimeout(Duration.ofMinutes(5))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .setMaximumAttempts(3)
                      .build())
              .build());

  /**
   * {@code clerk_reconciliation_runs_total{trigger, status, dry_run}} and
   * {@code clerk_reconciliation_sites_total{action, repaired}}; the SDK drops them while replaying.
   */
  private static void count(ReconciliationReport report) {
    Workflow.getMetricsScope()
        .tagged(Map.of("trigger", report.trigger(), "status", report.status(),
            "dry_run", String.valueOf(report.dryRun())))
        .counter("clerk_reconciliation_runs")
        .inc(1);
    for (SiteReconciliation site : report.sites()) {
      Workflow.getMetricsScope()
          .tagged(Map.of("action", site.action().toLowerCase(), "repaired", String.valueOf(site.repaired()),
              "dry_run", String.valueOf(report.dryRun())))
          .counter("clerk_reconciliation_sites")
          .inc(1);
    }
  }

  @Override
  public ReconciliationReport run(ReconciliationRequest request) {
    RunStart start = activities.beginRun(request);
    List<SiteReconciliation> sites = new ArrayList<>();
    for (StuckSite stuck : start.sites()) {
      try {
        sites.add(activities.reconcileSite(stuck.subdomain(), stuck.reason(), request.dryRun()));
      } catch (ActivityFailure failure) {
        // One site's trouble (unreadable storage, say) must not stop the others.
        String reason = SitePipelineWorkflowImpl.reason(failure);
        log.warn("reconciliation of {} failed: {}", stuck.subdomain(), reason);
        sites.add(SiteReconciliation.error(stuck.subdomain(), stuck.reason(), reason));
      }
    }
    ReconciliationReport report = ReconciliationReport.of(
        request, start, Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString(), sites);
    if (start.runId() != null) {
      activities.finishRun(report);
    }
    count(report);
    return report;
  }
}
