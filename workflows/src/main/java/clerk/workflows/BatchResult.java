package clerk.workflows;

/**
 * What a document batch did: documents completed, failed for good (recorded with their reasons), and
 * superseded (sent back to an earlier stage meanwhile: they run this stage again later).
 */
public record BatchResult(String batchId, Stage stage, int completed, int failed, int superseded) {}
