package clerk.workflows;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The light activities of a site: bookkeeping in PostgreSQL against what the filesystem holds. */
@ActivityInterface
public interface SiteActivities {
  /**
   * Enters a stage: registers the site's documents (for OCR, every PDF on disk), sets the stage's
   * total, recounts completed and failed from the documents' statuses and moves {@code current_stage}.
   * Idempotent: calling it again gives the same counters.
   */
  StageCounters beginStage(String subdomain, Stage stage);

  /** Up to {@code limit} documents still pending in the stage, ordered by id, after {@code afterId}. */
  List<DocumentRef> pendingDocuments(String subdomain, Stage stage, String afterId, int limit);

  /**
   * Records that a document failed a stage for good (after its retries, timeouts included), with the
   * reason. {@code documentId == null} fails every pending document of the stage (deploy is one step).
   */
  StageCounters recordFailure(String subdomain, Stage stage, String documentId, String reason);

  /** The stage's counters as the database has them. */
  StageCounters stageCounters(String subdomain, Stage stage);

  /**
   * The first stage whose documents are not all finished (completed + failed &lt; total), by the
   * database's counters; {@link Stage#COMPLETED} when every stage is finished.
   */
  Stage stageToResume(String subdomain);

  /**
   * Ends the pipeline run when the counters say every stage is finished, in one transaction: the site
   * becomes {@link Stage#COMPLETED}, or {@link Stage#FAILED} when every document failed a stage, with
   * the note. Returns that end state, or, changing nothing, the first stage that has work again.
   */
  Stage finishSite(String subdomain, String note);

  /**
   * Returns when the database answers and the site's storage folder is there; fails (retryably, as
   * Unavailable) while they are not. Documents that could not reach them wait at this gate.
   */
  void awaitAvailable(String subdomain);

  /** Of these workflow ids, the ones running now (document batches a pipeline still waits for). */
  List<String> runningWorkflows(List<String> workflowIds);

  /** Runs before {@link #finishSite} existed; recorded histories call it. Same as finishSite. */
  void completeSite(String subdomain, String note);
}
