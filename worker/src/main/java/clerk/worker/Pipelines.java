package clerk.worker;

import clerk.workflows.PipelineInput;
import clerk.workflows.SitePipelineWorkflow;
import clerk.workflows.SiteProgress;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.Optional;

/** Starting and asking the site pipeline workflows: the one place that knows their IDs and options. */
public final class Pipelines {
  private final WorkflowClient client;
  private final String taskQueue;

  public Pipelines(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /**
   * Starts the site's pipeline. Returns false, and starts nothing, when it is already running: there
   * is never a second execution for one site. A finished site may be started again.
   */
  public boolean start(String subdomain) {
    SitePipelineWorkflow workflow = client.newWorkflowStub(
        SitePipelineWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(SitePipelineWorkflow.workflowId(subdomain))
            .setTaskQueue(taskQueue)
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .build());
    try {
      WorkflowClient.start(workflow::run, PipelineInput.of(subdomain));
      return true;
    } catch (WorkflowExecutionAlreadyStarted running) {
      return false;
    }
  }

  /** The running pipeline's progress, or empty when the site has no running pipeline. */
  public Optional<SiteProgress> progress(String subdomain) {
    if (!isRunning(subdomain)) {
      return Optional.empty();
    }
    try {
      return Optional.of(client
          .newWorkflowStub(SitePipelineWorkflow.class, SitePipelineWorkflow.workflowId(subdomain))
          .progress());
    } catch (WorkflowException | StatusRuntimeException finishedMeanwhile) {
      return Optional.empty();
    }
  }

  /** Whether the site's pipeline workflow is running now. */
  public boolean isRunning(String subdomain) {
    try {
      WorkflowExecutionStatus status = client.getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder()
                  .setWorkflowId(SitePipelineWorkflow.workflowId(subdomain)))
              .build())
          .getWorkflowExecutionInfo().getStatus();
      return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** The Temporal UI page of the site's workflow. */
  public static String uiLink(ClerkSettings settings, String subdomain) {
    return settings.temporalUiUrl() + "/namespaces/" + settings.namespace() + "/workflows/"
        + SitePipelineWorkflow.workflowId(subdomain).replace("/", "%2F");
  }
}
