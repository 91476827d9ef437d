package clerk.workflows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.Optional;

/**
 * Client side of the site pipelines: the one place that knows their IDs and start options. Used by the
 * CLI and by reconciliation (from an activity, never from workflow code).
 */
public final class Pipelines {
  private final WorkflowClient client;
  private final String taskQueue;
  private final int ocrAtOnce;

  /** @param ocrAtOnce OCR activities a site keeps in flight at most ({@link PipelineInput#ocrAtOnce}) */
  public Pipelines(WorkflowClient client, String taskQueue, int ocrAtOnce) {
    if (ocrAtOnce < 1) {
      throw new IllegalArgumentException("OCR activities a site keeps in flight: at least 1, not " + ocrAtOnce);
    }
    this.client = client;
    this.taskQueue = taskQueue;
    this.ocrAtOnce = ocrAtOnce;
  }

  public Pipelines(WorkflowClient client, String taskQueue) {
    this(client, taskQueue, PipelineInput.OCR_AT_ONCE);
  }

  /** False once the server refused the search attributes (not registered there). */
  private volatile boolean withSearchAttributes = true;

  private SitePipelineWorkflow newStub(String subdomain) {
    WorkflowOptions.Builder options = WorkflowOptions.newBuilder()
        .setWorkflowId(SitePipelineWorkflow.workflowId(subdomain))
        .setTaskQueue(taskQueue)
        // One execution per site at a time; a finished or terminated site may run again.
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setStaticSummary("Site pipeline of **" + subdomain + "**: OCR → compilation → extraction → deploy")
        .setStaticDetails("Documents under `STORAGE_DIR/" + subdomain + "/`; counters in the `sites` table;"
            + " `clerk status " + subdomain + "` shows them with failed documents and their reasons.");
    if (withSearchAttributes) {
      options.setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
          .set(ClerkSearchAttributes.SITE, subdomain)
          .set(ClerkSearchAttributes.STAGE, Stage.OCR.dbName())
          .build());
    }
    return client.newWorkflowStub(SitePipelineWorkflow.class, options.build());
  }

  /**
   * Runs a start with the search attributes, and again without them when this server does not know
   * them (registered by the worker at start-up where the server allows it).
   */
  private <T> T withOrWithoutSearchAttributes(java.util.function.Supplier<T> start) {
    try {
      return start.get();
    } catch (RuntimeException e) {
      if (!withSearchAttributes || !unknownSearchAttribute(e)) {
        throw e;
      }
      withSearchAttributes = false;
      return start.get();
    }
  }

  private static boolean unknownSearchAttribute(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
          && String.valueOf(s.getStatus().getDescription()).toLowerCase().contains("search attribute")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Starts the site's pipeline. Returns false, and starts nothing, when it is already running: there
   * is never a second execution for one site. A finished site may be started again.
   */
  public boolean start(String subdomain) {
    try {
      return withOrWithoutSearchAttributes(() -> {
        WorkflowClient.start(newStub(subdomain)::run, PipelineInput.of(subdomain, ocrAtOnce));
        return true;
      });
    } catch (WorkflowExecutionAlreadyStarted running) {
      return false;
    }
  }

  /**
   * Signals the site's running pipeline to recheck its stage, or starts the pipeline with that signal
   * when it is not running (signal-with-start: atomic, so a pipeline finishing meanwhile is no race).
   * Returns true when it had to start it.
   */
  public boolean resume(String subdomain, String found) {
    return resume(subdomain, found, isRunning(subdomain));
  }

  /** {@link #resume(String, String)} when the caller has just asked whether the pipeline runs. */
  public boolean resume(String subdomain, String found, boolean wasRunning) {
    withOrWithoutSearchAttributes(() -> {
      SitePipelineWorkflow workflow = newStub(subdomain);
      BatchRequest request = client.newSignalWithStartRequest();
      request.add(workflow::run, PipelineInput.of(subdomain, ocrAtOnce));
      request.add(workflow::reconcile, found);
      return client.signalWithStart(request);
    });
    return !wasRunning;
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
    return isRunning(client, SitePipelineWorkflow.workflowId(subdomain), null);
  }

  /**
   * Whether a workflow is running now: the given run, or the run it continued as new into; with no
   * run id, the latest run. False when the server does not know it (an embedded server restarted).
   */
  public static boolean isRunning(WorkflowClient client, String workflowId, String runId) {
    WorkflowExecutionStatus status = status(client, workflowId, runId);
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW && runId != null) {
      status = status(client, workflowId, null);
    }
    return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  private static WorkflowExecutionStatus status(WorkflowClient client, String workflowId, String runId) {
    WorkflowExecution.Builder execution = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    if (runId != null) {
      execution.setRunId(runId);
    }
    try {
      return client.getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(execution)
              .build())
          .getWorkflowExecutionInfo().getStatus();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  public WorkflowClient client() {
    return client;
  }

  /** The Temporal UI page of the site's workflow. */
  public static String uiLink(String temporalUiUrl, String namespace, String subdomain) {
    return temporalUiUrl + "/namespaces/" + namespace + "/workflows/"
        + SitePipelineWorkflow.workflowId(subdomain).replace("/", "%2F");
  }
}
