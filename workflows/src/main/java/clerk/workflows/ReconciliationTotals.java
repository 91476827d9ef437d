package clerk.workflows;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reconciliation run (or one batch of it) did, in numbers: small whatever the number of sites.
 * The per-site details are in the {@code reconciliation_sites} table.
 *
 * @param scanned sites whose disk and database were compared
 * @param examined sites that needed more: a finding, an action, an error (each has a detail row)
 * @param repaired examined sites whose database state was repaired
 * @param signalled sites whose running pipeline was told to re-read its work
 * @param restarted sites whose pipeline was started (or would be, in a dry run)
 * @param allFailed sites found with every document failed a stage (left for an operator)
 * @param errors sites that could not be reconciled, or the run's own failure
 * @param errorSamples the first {@link #MAX_SAMPLES} errors, as "site: reason"
 */
public record ReconciliationTotals(
    int scanned,
    int examined,
    int repaired,
    int signalled,
    int restarted,
    int allFailed,
    int errors,
    List<String> errorSamples) {
  public static final int MAX_SAMPLES = 20;
  public static final ReconciliationTotals NONE = new ReconciliationTotals(0, 0, 0, 0, 0, 0, 0, List.of());

  public ReconciliationTotals {
    errorSamples = errorSamples == null ? List.of() : List.copyOf(errorSamples);
  }

  public ReconciliationTotals plus(ReconciliationTotals o) {
    List<String> samples = new ArrayList<>(errorSamples);
    o.errorSamples.stream().limit(Math.max(0, MAX_SAMPLES - samples.size())).forEach(samples::add);
    return new ReconciliationTotals(scanned + o.scanned, examined + o.examined, repaired + o.repaired,
        signalled + o.signalled, restarted + o.restarted, allFailed + o.allFailed, errors + o.errors, samples);
  }

  /** These totals with one more site counted as scanned, and examined with the given outcome. */
  public ReconciliationTotals plus(SiteReconciliation site) {
    if (site == null) {
      return plus(new ReconciliationTotals(1, 0, 0, 0, 0, 0, 0, List.of()));
    }
    boolean error = site.is(SiteReconciliation.Action.ERROR);
    return plus(new ReconciliationTotals(1, 1, site.repaired() ? 1 : 0,
        site.is(SiteReconciliation.Action.SIGNALLED) ? 1 : 0,
        site.is(SiteReconciliation.Action.RESTARTED) ? 1 : 0,
        site.is(SiteReconciliation.Action.ALL_FAILED) ? 1 : 0,
        error ? 1 : 0, error ? List.of(site.subdomain() + ": " + site.detail()) : List.of()));
  }

  /** These totals with the run's own failure added. */
  public ReconciliationTotals withError(String error) {
    return plus(new ReconciliationTotals(0, 0, 0, 0, 0, 0, 1, List.of(error)));
  }
}
