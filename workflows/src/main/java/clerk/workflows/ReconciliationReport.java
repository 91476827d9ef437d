package clerk.workflows;

import java.util.List;

/**
 * The result of one reconciliation run, also stored in {@code reconciliation_runs} and shown by
 * {@code clerk reconcile-pipeline} and {@code GET /v1/reconciliation/status}.
 *
 * @param status {@code success}, {@code errors} (some sites could not be reconciled) or {@code skipped}
 *     (another run was acting; see {@code errors})
 */
public record ReconciliationReport(
    Long runId,
    String trigger,
    boolean dryRun,
    int thresholdMinutes,
    String status,
    String startedAt,
    String finishedAt,
    int examined,
    int repaired,
    int signalled,
    int restarted,
    int allFailed,
    List<SiteReconciliation> sites,
    List<String> errors) {

  public static ReconciliationReport of(
      ReconciliationRequest request, RunStart start, String finishedAt, List<SiteReconciliation> sites) {
    List<String> errors = sites.stream()
        .filter(s -> s.is(SiteReconciliation.Action.ERROR))
        .map(s -> s.subdomain() + ": " + s.detail())
        .toList();
    if (start.skipped() != null) {
      errors = List.of(start.skipped());
    }
    String status = start.skipped() != null ? "skipped" : errors.isEmpty() ? "success" : "errors";
    return new ReconciliationReport(
        start.runId(), request.trigger(), request.dryRun(), request.thresholdMinutes(), status,
        start.startedAt(), finishedAt, sites.size(),
        count(sites, s -> s.repaired()),
        count(sites, s -> s.is(SiteReconciliation.Action.SIGNALLED)),
        count(sites, s -> s.is(SiteReconciliation.Action.RESTARTED)),
        count(sites, s -> s.is(SiteReconciliation.Action.ALL_FAILED)),
        List.copyOf(sites), errors);
  }

  private static int count(List<SiteReconciliation> sites, java.util.function.Predicate<SiteReconciliation> p) {
    return (int) sites.stream().filter(p).count();
  }
}
