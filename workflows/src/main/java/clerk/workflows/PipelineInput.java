package clerk.workflows;

/**
 * Input of the site pipeline. {@code stage} and {@code afterDocumentId} are set only when the workflow
 * continues as new in the middle of a stage; a fresh start passes just the subdomain.
 */
public record PipelineInput(String subdomain, Stage stage, String afterDocumentId) {
  public static PipelineInput of(String subdomain) {
    return new PipelineInput(subdomain, null, null);
  }
}
