package clerk.activities.ocr;

import java.io.IOException;

/** Receives each page's text, in page order, as soon as it is known (so a crash loses one page). */
@FunctionalInterface
public interface PageSink {
  /**
   * @param pageNumber 1-based page number
   * @param text the page's text, lines separated by {@code \n}; may be empty for a blank page
   */
  void page(int pageNumber, String text, PageMethod method) throws IOException;
}
