package clerk.workflows;

import java.util.List;

/**
 * Input of the site pipeline. {@code stage}, {@code afterDocumentId}, {@code finished} and
 * {@code batches} are set only when the workflow continues as new: where to go on, the counters of the
 * stages it finished before (so the result and the note cover the whole pipeline), and the document
 * batches still running (they report to the new run). A fresh start passes the subdomain.
 *
 * @param historyLimit continue as new once the run's history has this many events (null: when the
 *     server suggests it); tests set it small
 * @param ocrAtOnce OCR activities (documents and page ranges) the site keeps in flight at most, so a
 *     site with a few small documents is not queued behind all of another site's scans
 *     ({@code CLERK_SITE_OCR_AT_ONCE}); null in runs started before the limit existed: they keep
 *     running as they started
 */
public record PipelineInput(String subdomain, Stage stage, String afterDocumentId, List<StageCounters> finished,
    List<BatchInFlight> batches, Integer historyLimit, Integer ocrAtOnce) {
  /** The limit when the starter names none (tests). */
  public static final int OCR_AT_ONCE = 4;

  public PipelineInput(String subdomain, Stage stage, String afterDocumentId) {
    this(subdomain, stage, afterDocumentId, List.of());
  }

  public PipelineInput(String subdomain, Stage stage, String afterDocumentId, List<StageCounters> finished) {
    this(subdomain, stage, afterDocumentId, finished, List.of(), null, OCR_AT_ONCE);
  }

  public PipelineInput {
    // Inputs recorded before these fields existed have none.
    finished = finished == null ? List.of() : List.copyOf(finished);
    batches = batches == null ? List.of() : List.copyOf(batches);
  }

  /** A document batch running for the stage: its workflow id and its documents. */
  public record BatchInFlight(String batchId, String workflowId, List<String> documentIds) {
    public BatchInFlight {
      documentIds = List.copyOf(documentIds);
    }
  }

  public static PipelineInput of(String subdomain) {
    return of(subdomain, OCR_AT_ONCE);
  }

  public static PipelineInput of(String subdomain, int ocrAtOnce) {
    return new PipelineInput(subdomain, null, null, List.of(), List.of(), null, ocrAtOnce);
  }
}
