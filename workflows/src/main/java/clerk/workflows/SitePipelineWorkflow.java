package clerk.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One site's documents through OCR, compilation, extraction and deploy. One execution per site, with
 * workflow ID {@link #workflowId(String)}.
 */
@WorkflowInterface
public interface SitePipelineWorkflow {
  String TYPE = "SitePipeline";

  static String workflowId(String subdomain) {
    return "site-pipeline/" + subdomain;
  }

  @WorkflowMethod(name = TYPE)
  SiteResult run(PipelineInput input);

  /**
   * Sent by reconciliation: re-read the current stage from the filesystem and the database, and
   * re-drive every pending document that is not in flight. {@code found} says what reconciliation saw.
   */
  @SignalMethod(name = "reconcile")
  void reconcile(String found);

  /** Sent by a document batch this pipeline started (in this run or a run it continued from). */
  @SignalMethod(name = "batchDone")
  void batchDone(BatchResult result);

  /** Where the site is: stage, counters, documents in flight. Never changes state. */
  @QueryMethod(name = "progress")
  SiteProgress progress();
}
