package clerk.workflows;

/**
 * What one document activity did when it succeeded. A document that fails throws instead (a
 * non-retryable {@code ApplicationFailure} for bad input), and the workflow records the failure.
 *
 * @param pages the document's page count
 * @param detail a short note for the operator, e.g. {@code "3 text layer, 2 ocr"} or {@code "2 motions"}
 */
public record DocumentOutcome(String documentId, int pages, String detail) {}
