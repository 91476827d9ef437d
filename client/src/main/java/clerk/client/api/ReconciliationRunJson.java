package clerk.client.api;

import clerk.workflows.ReconciliationReport;
import clerk.workflows.SiteReconciliation;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/**
 * {@code clerk reconcile-pipeline --json}: the run's report, how many sites it recovered (the text
 * report's "Recovered N sites"; in a dry run, would recover) and every examined site. In a dry run
 * ({@code dry_run} true) {@code action}, {@code signalled} and {@code restarted} say what would have
 * been done, as the text report's "would restart".
 */
public record ReconciliationRunJson(
    @JsonUnwrapped ReconciliationReport report,
    int recovered,
    List<SiteReconciliation> sites) {

  public static ReconciliationRunJson of(ReconciliationReport report, List<SiteReconciliation> sites) {
    return new ReconciliationRunJson(report, (int) sites.stream().filter(ReconciliationRunJson::recovered).count(),
        sites);
  }

  /** Recovered: its pipeline was signalled or restarted, or its state was repaired to completed. */
  public static boolean recovered(SiteReconciliation s) {
    return s.is(SiteReconciliation.Action.SIGNALLED) || s.is(SiteReconciliation.Action.RESTARTED)
        || (s.is(SiteReconciliation.Action.COMPLETED) && s.repaired());
  }
}
