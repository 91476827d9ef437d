package clerk.workflows;

import io.temporal.activity.ActivityInterface;

/**
 * OCR runs on its own task queue ({@link TaskQueues#OCR}): it is where the CPU goes. A long document
 * is OCRed in page ranges by several activities at once, on every OCR slot and OCR worker.
 */
@ActivityInterface
public interface OcrActivities {
  /** Pages of a range; a document of more than {@link #SPLIT_ABOVE} pages is OCRed in ranges. */
  int RANGE_PAGES = 8;

  /** Documents longer than this are split into ranges of {@link #RANGE_PAGES} pages. */
  int SPLIT_ABOVE = 12;

  /**
   * Turns one PDF into {@code txt/{meeting}/{date}/page-N.txt}, page by page (text layer where the page
   * has one, Tesseract otherwise), and marks the document's OCR completed. Heartbeats as it goes. A
   * document of more than {@link #SPLIT_ABOVE} pages is split instead: this OCRs its first range and
   * returns an outcome that says so ({@link DocumentOutcome#split}, {@code pages} its page count); the
   * other ranges go to {@link #ocrPages}, then {@link #commitPages} puts them together.
   */
  DocumentOutcome ocrDocument(DocumentRef document);

  /**
   * The born-digital documents of a batch in one activity: each whose every page has a usable text
   * layer is written and marked completed as {@link #ocrDocument} would, whatever its length; one with
   * a page that needs Tesseract comes back {@link DocumentOutcome#deferred} for an activity of its own,
   * one with bad input with its {@link DocumentOutcome#failure}. Any other failure is the activity's.
   */
  java.util.List<DocumentOutcome> ocrDocuments(java.util.List<DocumentRef> documents);

  /** OCRs pages {@code first}..{@code last} of a split document, as a range of its own. Idempotent. */
  DocumentOutcome ocrPages(DocumentRef document, int first, int last);

  /**
   * Puts a split document's ranges together as its text folder and marks its OCR completed. Fails
   * (retryably) while a range is missing. Idempotent.
   */
  DocumentOutcome commitPages(DocumentRef document, int pages);
}
