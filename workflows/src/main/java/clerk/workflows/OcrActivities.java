package clerk.workflows;

import io.temporal.activity.ActivityInterface;

/** OCR runs on its own task queue ({@link TaskQueues#OCR}): it is where the CPU goes. */
@ActivityInterface
public interface OcrActivities {
  /**
   * Turns one PDF into {@code txt/{meeting}/{date}/page-N.txt}, page by page (text layer where the page
   * has one, Tesseract otherwise), and marks the document's OCR completed. Heartbeats after each page.
   */
  DocumentOutcome ocrDocument(DocumentRef document);
}
