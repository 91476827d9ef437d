package clerk.client;

import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.ReconciliationWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Runs one reconciliation now (start-up, CLI) as a workflow, visible in the Temporal UI. */
public final class Reconciliations {
  private final WorkflowClient client;
  private final ClerkSettings settings;

  public Reconciliations(WorkflowClient client, ClerkSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** Options of every reconciliation run: its queue and its run timeout. */
  static WorkflowOptions.Builder options(ClerkSettings settings) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(settings.taskQueue())
        .setWorkflowRunTimeout(settings.reconcileRunTimeout());
  }

  /**
   * Whether any worker polls the pipeline task queue, where reconciliation runs; null when the server
   * cannot say (the Java test server). Without a worker a run would wait for its whole run timeout.
   */
  public Boolean workerPolling() {
    try {
      return client.getWorkflowServiceStubs().blockingStub().describeTaskQueue(
              io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setTaskQueue(io.temporal.api.taskqueue.v1.TaskQueue.newBuilder().setName(settings.taskQueue()))
                  .setTaskQueueType(io.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
                  .build())
          .getPollersCount() > 0;
    } catch (RuntimeException e) {
      if (ReconciliationSchedule.code(e) == io.grpc.Status.Code.UNIMPLEMENTED) {
        return null;
      }
      throw e;
    }
  }

  /** Runs it and waits for the report. */
  public ReconciliationReport run(ReconciliationRequest request) {
    // Unique even for two runs asked for in the same millisecond: each is its own run.
    String id = ReconciliationWorkflow.ID_PREFIX + "/" + request.trigger() + "-"
        + Instant.now().truncatedTo(ChronoUnit.MILLIS) + "-" + UUID.randomUUID().toString().substring(0, 8);
    ReconciliationWorkflow workflow = client.newWorkflowStub(
        ReconciliationWorkflow.class, options(settings).setWorkflowId(id).build());
    return workflow.run(request);
  }

  /** The request of a run with the configured threshold. */
  public ReconciliationRequest request(String trigger) {
    return new ReconciliationRequest(trigger, (int) settings.staleThreshold().toMinutes(), false, null);
  }
}
