package clerk.activities.ocr;

import java.util.List;

/**
 * What {@link DocumentOcr#ocr} did with the pages it handled (those from {@code firstPage} on).
 *
 * @param pages pages handed to the sink
 * @param warnings things an operator may want to look at, e.g. a scanned page that read as empty
 */
public record OcrSummary(int pages, int textLayerPages, int ocrPages, List<PageWarning> warnings) {
  public OcrSummary {
    warnings = List.copyOf(warnings);
  }

  /** For logs: {@code "3 text layer, 2 tesseract"}. */
  public String describe() {
    return textLayerPages + " text layer, " + ocrPages + " tesseract";
  }
}
