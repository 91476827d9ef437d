package clerk.workflows;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A batch of a site's documents through one stage: one activity per document, a few at once. Started
 * by the site pipeline as a child workflow that outlives the pipeline's run (so the pipeline can
 * continue as new without waiting for its slowest document) and that reports back by signal.
 */
@WorkflowInterface
public interface DocumentBatchWorkflow {
  String TYPE = "DocumentBatch";

  @WorkflowMethod(name = TYPE)
  BatchResult run(DocumentBatch batch);
}
