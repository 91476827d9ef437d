package clerk.workflows;

import java.util.List;

/**
 * Input of the site pipeline. {@code stage}, {@code afterDocumentId} and {@code finished} are set only
 * when the workflow continues as new: where to go on, and the counters of the stages it finished
 * before (so the result and the note cover the whole pipeline). A fresh start passes the subdomain.
 */
public record PipelineInput(String subdomain, Stage stage, String afterDocumentId, List<StageCounters> finished) {
  public PipelineInput(String subdomain, Stage stage, String afterDocumentId) {
    this(subdomain, stage, afterDocumentId, List.of());
  }

  public PipelineInput {
    // Inputs recorded before this field existed have none.
    finished = finished == null ? List.of() : List.copyOf(finished);
  }

  public static PipelineInput of(String subdomain) {
    return new PipelineInput(subdomain, null, null);
  }
}
