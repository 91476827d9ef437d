package clerk.workflows;

import io.temporal.activity.ActivityInterface;

/** The work of a reconciliation run: PostgreSQL, the filesystem and the site pipelines. */
@ActivityInterface
public interface ReconciliationActivities {
  /**
   * Starts a run: takes the run lease in {@code reconciliation_runs} (unless dry run; a second run
   * while one is acting is skipped) and lists the stuck sites: not completed, and no progress for the
   * threshold or no running pipeline.
   */
  RunStart beginRun(ReconciliationRequest request);

  /**
   * Counts the site's documents on disk, repairs the database to match, and signals the site's running
   * pipeline or starts it again. With {@code dryRun} the same report, with nothing written or signalled.
   * Idempotent: a retry repairs nothing more and signals again, which is harmless.
   */
  SiteReconciliation reconcileSite(String subdomain, String reason, boolean dryRun);

  /** Records the run's report and releases the lease. */
  void finishRun(ReconciliationReport report);
}
