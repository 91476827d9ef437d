package clerk.workflows;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The result of one reconciliation run, also stored in {@code reconciliation_runs} and shown by
 * {@code clerk reconcile-pipeline} and {@code GET /v1/reconciliation/status}. A summary: the
 * per-site details are rows of {@code reconciliation_sites} for the run, read page by page.
 *
 * @param status {@code success}, {@code errors} (some sites could not be reconciled, or the run could
 *     not finish) or {@code skipped} (another run was acting; see {@code errors})
 * @param errors the first errors (at most {@link ReconciliationTotals#MAX_SAMPLES}); {@code errorCount}
 *     counts them all
 */
public record ReconciliationReport(
    @JsonProperty("run_id") @JsonAlias("runId") Long runId,
    String trigger,
    @JsonProperty("dry_run") @JsonAlias("dryRun") boolean dryRun,
    @JsonProperty("threshold_minutes") @JsonAlias("thresholdMinutes") int thresholdMinutes,
    String status,
    @JsonProperty("started_at") @JsonAlias("startedAt") String startedAt,
    @JsonProperty("finished_at") @JsonAlias("finishedAt") String finishedAt,
    int scanned,
    int examined,
    int repaired,
    int signalled,
    int restarted,
    @JsonProperty("all_failed") @JsonAlias("allFailed") int allFailed,
    @JsonProperty("error_count") @JsonAlias("errorCount") int errorCount,
    List<String> errors) {

  public static ReconciliationReport of(
      ReconciliationRequest request, RunStart start, String finishedAt, ReconciliationTotals totals) {
    if (start.skipped() != null) {
      return new ReconciliationReport(start.runId(), request.trigger(), request.dryRun(),
          request.thresholdMinutes(), "skipped", start.startedAt(), finishedAt, 0, 0, 0, 0, 0, 0, 1,
          List.of(start.skipped()));
    }
    return new ReconciliationReport(start.runId(), request.trigger(), request.dryRun(),
        request.thresholdMinutes(), totals.errors() == 0 ? "success" : "errors", start.startedAt(),
        finishedAt, totals.scanned(), totals.examined(), totals.repaired(), totals.signalled(),
        totals.restarted(), totals.allFailed(), totals.errors(), totals.errorSamples());
  }
}
