package clerk.activities.sample;

import clerk.workflows.DocumentRef;
import java.nio.file.Path;
import java.util.List;

/**
 * A generated document and what it says.
 *
 * @param kind {@link DocumentRef#MINUTES} or {@link DocumentRef#AGENDAS}
 * @param file where it was written, under the storage directory
 * @param pageTexts the text of each page, lines joined with {@code \n}; empty when corrupt
 * @param corrupt true = deliberately unreadable; processing it must fail as a bad document
 * @param scannedPages how many pages are image-only scans (the rest have a text layer)
 */
public record SampleDocument(
    String subdomain,
    String kind,
    String meeting,
    String date,
    Path file,
    List<String> pageTexts,
    boolean corrupt,
    int scannedPages) {
  public SampleDocument {
    pageTexts = List.copyOf(pageTexts);
  }

  public DocumentRef ref() {
    return new DocumentRef(subdomain, kind, meeting, date);
  }

  public int pages() {
    return pageTexts.size();
  }
}
