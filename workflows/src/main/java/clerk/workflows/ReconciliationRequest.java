package clerk.workflows;

/**
 * What one reconciliation run is asked to do.
 *
 * @param trigger who asked: {@code schedule}, {@code startup} or {@code cli}
 * @param thresholdMinutes a site is stuck when it made no progress for this long (or has no running
 *     pipeline at all)
 * @param dryRun report only: nothing written, nothing signalled or started
 * @param site only this site, stuck or not; null for every site
 */
public record ReconciliationRequest(String trigger, int thresholdMinutes, boolean dryRun, String site) {
  public static final int DEFAULT_THRESHOLD_MINUTES = 120;

  public static ReconciliationRequest scheduled(int thresholdMinutes) {
    return new ReconciliationRequest("schedule", thresholdMinutes, false, null);
  }
}
