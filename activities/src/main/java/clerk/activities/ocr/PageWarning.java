package clerk.activities.ocr;

/**
 * Something about a page that an operator may want to look at, e.g. a scanned page that read as
 * empty. {@code page} 0 is about the document as a whole.
 */
public record PageWarning(int page, String message) {
  @Override
  public String toString() {
    return page == 0 ? message : "page " + page + ": " + message;
  }
}
