package clerk.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;

/**
 * One reconciliation run: begin (record, lease), every registered site in batches, finish (record,
 * release). Payloads and history stay small whatever the number of sites: a batch returns totals, the
 * per-site report goes to the database, and a long run continues as new.
 */
public class ReconciliationWorkflowImpl implements ReconciliationWorkflow {
  private static final Logger log = Workflow.getLogger(ReconciliationWorkflowImpl.class);

  /** Sites per batch activity: its heartbeat names each site, its result stays a few numbers. */
  static final int BATCH = 250;

  /** Batches per workflow run before it continues as new: history stays small on any number of sites. */
  static final int BATCHES_PER_RUN = 40;

  private final ReconciliationActivities activities =
      Workflow.newActivityStub(
          ReconciliationActivities.class,
          ActivityOptions.newBuilder()
              // A batch walks the folders of BATCH sites; one huge site can take a minute.
              .setStartToCloseTimeout(Duration.ofMinutes(15))
              // Every site heartbeats: a worker that died is noticed at once, not at the timeout.
              .setHeartbeatTimeout(Duration.ofMinutes(2))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .setMaximumAttempts(3)
                      .setDoNotRetry("CannotReconcile")
                      .build())
              .build());

  /**
   * {@code clerk_reconciliation_runs_total{trigger, status, dry_run}} and
   * {@code clerk_reconciliation_sites_total{action, dry_run}}; the SDK drops them while replaying.
   */
  private static void count(ReconciliationReport report) {
    String dryRun = String.valueOf(report.dryRun());
    Workflow.getMetricsScope()
        .tagged(Map.of("trigger", report.trigger(), "status", report.status(), "dry_run", dryRun))
        .counter("clerk_reconciliation_runs")
        .inc(1);
    Map<String, Integer> actions = Map.of("repaired", report.repaired(), "signalled", report.signalled(),
        "restarted", report.restarted(), "all_failed", report.allFailed(), "error", report.errorCount());
    actions.forEach((action, sites) -> {
      if (sites > 0) {
        Workflow.getMetricsScope()
            .tagged(Map.of("action", action, "dry_run", dryRun))
            .counter("clerk_reconciliation_sites")
            .inc(sites);
      }
    });
  }

  @Override
  public ReconciliationReport run(ReconciliationRequest request) {
    RunStart start;
    ReconciliationTotals totals = ReconciliationTotals.NONE;
    String after = null;
    if (request.progress() != null) {
      start = request.progress().start();
      totals = request.progress().totals();
      after = request.progress().after();
    } else {
      start = activities.beginRun(request);
    }
    if (start.skipped() == null) {
      try {
        for (int batches = 1; ; batches++) {
          ReconciliationBatch batch = activities.reconcileSites(start.runId(), request, after, BATCH);
          totals = totals.plus(batch.totals());
          if (!batch.more()) {
            break;
          }
          after = batch.last();
          if (batches == BATCHES_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested()) {
            Workflow.continueAsNew(request.continuing(new ReconciliationRequest.Progress(start, after, totals)));
          }
        }
        if (!request.dryRun() && totals.signalled() + totals.restarted() > 0) {
          // What actually happened replaces what the comparisons intended.
          ReconciliationTotals resumed = activities.resumePipelines(start.runId());
          totals = new ReconciliationTotals(totals.scanned(), totals.examined(), totals.repaired(), 0, 0,
              totals.allFailed(), totals.errors(), totals.errorSamples()).plus(resumed);
        }
      } catch (ActivityFailure failure) {
        // The run cannot go on (the database gone longer than the retries, say): recorded as such,
        // and the lease is released, so the next run is not kept waiting.
        String reason = PipelineActivities.reason(failure);
        log.warn("reconciliation run {} stopped: {}", start.runId(), reason);
        totals = totals.withError("run stopped after " + totals.scanned() + " sites: " + reason);
      }
    }
    ReconciliationReport report = ReconciliationReport.of(
        request, start, Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString(), totals);
    if (start.runId() != null) {
      activities.finishRun(report);
    }
    count(report);
    return report;
  }
}
