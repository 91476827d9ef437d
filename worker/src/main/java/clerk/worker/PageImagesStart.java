package clerk.worker;

import clerk.client.ClerkSettings;
import clerk.workflows.PageImagesWorkflow;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code CLERK_PAGE_IMAGES=on}, makes sure the page images workflow runs (one per cluster, by its
 * id: a second worker finds it running). Off by default: rendering every page of every site is days of
 * CPU for a large installation, taken from the OCR task queue that makes new meetings searchable; an
 * operator turns it on knowingly, with OCR capacity to spare (docs/publishing.md).
 */
final class PageImagesStart {
  private static final Logger log = LoggerFactory.getLogger(PageImagesStart.class);

  private PageImagesStart() {}

  static void ensure(WorkflowClient client, ClerkSettings settings) {
    if (!settings.pageImages()) {
      return;
    }
    PageImagesWorkflow workflow = client.newWorkflowStub(PageImagesWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(PageImagesWorkflow.WORKFLOW_ID)
        .setTaskQueue(settings.taskQueue())
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build());
    try {
      WorkflowClient.start(workflow::run);
      log.info("page images: workflow {} runs (CLERK_PAGE_IMAGES=on)", PageImagesWorkflow.WORKFLOW_ID);
    } catch (WorkflowExecutionAlreadyStarted running) {
      log.info("page images: workflow {} already runs", PageImagesWorkflow.WORKFLOW_ID);
    }
  }
}
