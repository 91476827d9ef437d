package clerk.workflows;

/**
 * What one reconciliation run is asked to do.
 *
 * @param trigger who asked: {@code schedule}, {@code startup} or {@code cli}
 * @param thresholdMinutes a site with work left is stuck when it made no progress for this long (or
 *     has no running pipeline at all)
 * @param dryRun report only: nothing written but the report, nothing signalled or started
 * @param site only this site, examined whatever its state; null for every site
 * @param progress set only when the run continues as new: where it had got to
 */
public record ReconciliationRequest(
    String trigger, int thresholdMinutes, boolean dryRun, String site, Progress progress) {
  public static final int DEFAULT_THRESHOLD_MINUTES = 120;

  public ReconciliationRequest(String trigger, int thresholdMinutes, boolean dryRun, String site) {
    this(trigger, thresholdMinutes, dryRun, site, null);
  }

  public static ReconciliationRequest scheduled(int thresholdMinutes) {
    return new ReconciliationRequest("schedule", thresholdMinutes, false, null);
  }

  /** A run continued as new: its record, the last site done and the totals so far. */
  public record Progress(RunStart start, String after, ReconciliationTotals totals) {}

  public ReconciliationRequest continuing(Progress at) {
    return new ReconciliationRequest(trigger, thresholdMinutes, dryRun, site, at);
  }
}
