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
 * @param motions the motions the generator wrote into the minutes, in order (none for agendas)
 */
public record SampleDocument(
    String subdomain,
    String kind,
    String meeting,
    String date,
    Path file,
    List<String> pageTexts,
    boolean corrupt,
    int scannedPages,
    List<Motion> motions) {
  public SampleDocument {
    pageTexts = List.copyOf(pageTexts);
    motions = List.copyOf(motions);
  }

  /** A motion as the generator wrote it: its page, words, mover, seconder and roll call (surnames). */
  public record Motion(int page, String motion, String mover, String seconder, String result,
      List<String> ayes, List<String> nays, List<String> absent) {
    public Motion {
      ayes = List.copyOf(ayes);
      nays = List.copyOf(nays);
      absent = List.copyOf(absent);
    }
  }

  public DocumentRef ref() {
    return new DocumentRef(subdomain, kind, meeting, date);
  }

  public int pages() {
    return pageTexts.size();
  }
}
