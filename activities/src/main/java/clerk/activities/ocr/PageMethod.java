package clerk.activities.ocr;

/** How a page's text was obtained. */
public enum PageMethod {
  /** Taken from the PDF's own text layer: exact and cheap. */
  TEXT_LAYER,
  /** Rendered to an image and read by Tesseract. */
  TESSERACT
}
