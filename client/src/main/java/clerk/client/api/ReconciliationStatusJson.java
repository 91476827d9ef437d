package clerk.client.api;

import clerk.activities.db.ReconciliationRuns;
import clerk.workflows.ReconciliationReport;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/reconciliation/status}: the last acting run, in the old start-up reconciler's
 * envelope ({@code status}, {@code timestamp}, {@code results}, {@code errors}, {@code uptime} in seconds), with the
 * run's report as {@code results}: the shape {@code clerk reconcile-pipeline --json} prints.
 */
public record ReconciliationStatusJson(
    String status,
    String timestamp,
    ReconciliationReport results,
    List<String> errors,
    long uptime) {

  public static ReconciliationStatusJson of(Optional<ReconciliationRuns.Run> last, long uptime) {
    return last.map(run -> new ReconciliationStatusJson(run.status(), run.finishedAt().toString(), run.report(),
            run.errors(), uptime))
        .orElseGet(() -> new ReconciliationStatusJson("never run", null, null, List.of(), uptime));
  }
}
