package clerk.workflows;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Renders the page images of every published site, a few documents at a time on the OCR task queue,
 * for as long as it runs: when nothing is left it waits and looks again. Deploy never waits for it: a
 * site's text is published first, its images follow. One per cluster ({@link #WORKFLOW_ID}), started
 * by a worker with {@code CLERK_PAGE_IMAGES=on}.
 */
@WorkflowInterface
public interface PageImagesWorkflow {
  String WORKFLOW_ID = "page-images";

  @WorkflowMethod(name = "PageImages")
  void run();
}
