package clerk.workflows;

/**
 * What one document activity did when it succeeded. A document that fails throws instead (a
 * non-retryable {@code ApplicationFailure} for bad input), and the workflow records the failure.
 *
 * @param pages the document's page count
 * @param detail a short note for the operator, e.g. {@code "3 text layer, 2 ocr"} or {@code "2 motions"}
 * @param superseded true when the activity changed nothing because reconciliation sent the document
 *     back to an earlier stage while it ran; the stage runs again once the earlier one is done
 * @param failure in the outcomes of a batch of documents, why this one failed for good (bad input);
 *     null when it did not
 * @param split OCR only: the document is long and was split into page ranges (its first one done);
 *     {@code pages} is its page count, and it is not completed until its ranges are put together
 * @param deferred in the outcomes of {@link OcrActivities#ocrDocuments}: a page needs Tesseract, so
 *     the document goes to an OCR activity of its own; nothing recorded yet
 */
public record DocumentOutcome(String documentId, int pages, String detail, boolean superseded, String failure,
    boolean split, boolean deferred) {
  public DocumentOutcome(String documentId, int pages, String detail) {
    this(documentId, pages, detail, false, null, false, false);
  }

  public DocumentOutcome(String documentId, int pages, String detail, boolean superseded) {
    this(documentId, pages, detail, superseded, null, false, false);
  }

  public static DocumentOutcome superseded(String documentId, String reason) {
    return new DocumentOutcome(documentId, 0, reason, true, null, false, false);
  }

  public static DocumentOutcome failed(String documentId, String reason) {
    return new DocumentOutcome(documentId, 0, reason, false, reason, false, false);
  }

  public static DocumentOutcome split(String documentId, int pages, String detail) {
    return new DocumentOutcome(documentId, pages, detail, false, null, true, false);
  }

  public static DocumentOutcome deferred(String documentId, String reason) {
    return new DocumentOutcome(documentId, 0, reason, false, null, false, true);
  }
}
