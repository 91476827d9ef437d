package clerk.workflows;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Finds stuck sites, repairs their counters from the filesystem and gets their pipelines going again.
 * Run by the reconciliation Schedule, once at worker start-up, and by {@code clerk reconcile-pipeline}.
 */
@WorkflowInterface
public interface ReconciliationWorkflow {
  String TYPE = "Reconciliation";

  /** Workflow ID prefix of reconciliation runs (the Schedule appends the time). */
  String ID_PREFIX = "reconciliation";

  @WorkflowMethod(name = TYPE)
  ReconciliationReport run(ReconciliationRequest request);
}
