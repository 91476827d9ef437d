package clerk.workflows;

import java.util.List;

/**
 * Documents of one site that a {@link DocumentBatchWorkflow} takes through one stage.
 *
 * @param pipelineWorkflowId the site pipeline to report to when the batch is done (by workflow id, so
 *     a pipeline that continued as new meanwhile gets the report)
 * @param batchId unique within the site's pipeline; also the end of the batch's workflow id
 * @param ocrAtOnce OCR activities, page ranges included, the batch keeps in flight at most; null in
 *     batches started before that limit: {@link DocumentBatchWorkflowImpl#AT_ONCE} documents, their
 *     ranges unlimited
 */
public record DocumentBatch(String subdomain, Stage stage, List<DocumentRef> documents, String pipelineWorkflowId,
    String batchId, Integer ocrAtOnce) {
  public DocumentBatch {
    documents = List.copyOf(documents);
  }
}
