package clerk.workflows;

import io.temporal.activity.ActivityInterface;

/** The work of a reconciliation run: PostgreSQL, the filesystem and the site pipelines. */
@ActivityInterface
public interface ReconciliationActivities {
  /**
   * Starts a run: records it in {@code reconciliation_runs} and, unless it is a dry run, takes the
   * lease that keeps two runs from acting at once. A run whose workflow is no longer running does not
   * keep the lease; a retry of this call by the same run gets the same lease. When another run acts,
   * the start says skipped. A named site that is not registered is refused (non-retryable).
   */
  RunStart beginRun(ReconciliationRequest request);

  /**
   * Reconciles up to {@code limit} registered sites after {@code after} (subdomain order; all of them
   * for a request naming one site): compares each site's folder and bundle with the database, repairs
   * what differs, and marks for {@link #resumePipelines} a site with work left that is stuck or was
   * repaired. Every site examined gets a row in {@code reconciliation_sites}; the result is totals only.
   * One site's trouble is that site's error, never the batch's. Idempotent: a retry repairs nothing
   * more and signals again, which is harmless.
   */
  ReconciliationBatch reconcileSites(long runId, ReconciliationRequest request, String after, int limit);

  /**
   * After every site is compared: signals the running pipeline, or starts it, of every site the run
   * found with work to do (the rows of {@code reconciliation_sites} whose action is SIGNALLED or
   * RESTARTED), and records which it turned out to be. Returns the signalled and restarted counts (and
   * the sites whose pipeline could not be reached, as errors). Idempotent: signalling twice is harmless.
   */
  ReconciliationTotals resumePipelines(long runId);

  /** Records the run's report and releases the lease. */
  void finishRun(ReconciliationReport report);
}
