package clerk.activities.sample;

import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.workflows.DocumentRef;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes sample sites in the storage layout, for {@code clerk demo} and tests, and says what each
 * document's pages read. Per site: city council minutes (born-digital, and a 3-page one whose last,
 * signed page is scanned), planning commission minutes scanned on an office scanner, and digital
 * agendas for both meetings. The first site also gets a special-meeting page scanned sideways and a
 * corrupt download; the second a scan stored turned with /Rotate. Deterministic: the same
 * subdomains give the same texts.
 *
 * <p>Two sites make 12 documents (one corrupt), 19 pages, 7 of them scanned; each site after the
 * second adds 5 documents, 9 pages, 3 scanned.
 */
public final class SampleSites {
  public static final List<String> DEMO_SUBDOMAINS = List.of("alameda.ca.us", "springfield.il.us");

  public static final String CITY_COUNCIL = "CityCouncil";
  public static final String PLANNING_COMMISSION = "PlanningCommission";

  private static final long SEED = 20240115L;

  private SampleSites() {}

  /** Writes {@link #DEMO_SUBDOMAINS}. */
  public static List<SampleDocument> generate(Path storageDir) throws IOException {
    return generate(storageDir, DEMO_SUBDOMAINS);
  }

  /** Writes one sample site per subdomain under {@code storageDir}; existing files are replaced. */
  public static List<SampleDocument> generate(Path storageDir, List<String> subdomains)
      throws IOException {
    List<SampleDocument> documents = new ArrayList<>();
    for (int i = 0; i < subdomains.size(); i++) {
      documents.addAll(new Site(storageDir, subdomains.get(i), i).write());
    }
    return documents;
  }

  /** Where a document lives: {@code {subdomain}/[_agendas/]pdfs/{meeting}/{date}.pdf}. */
  public static Path pdfPath(Path storageDir, DocumentRef ref) {
    Path site = storageDir.resolve(ref.subdomain());
    Path root = DocumentRef.AGENDAS.equals(ref.kind()) ? site.resolve("_agendas") : site;
    return root.resolve("pdfs").resolve(ref.meeting()).resolve(ref.date() + ".pdf");
  }

  private static final class Site {
    private final Path storageDir;
    private final String subdomain;
    private final int index;
    private final Random random;
    private final MeetingText text;
    private final List<SampleDocument> out = new ArrayList<>();

    Site(Path storageDir, String subdomain, int index) {
      this.storageDir = storageDir;
      this.subdomain = subdomain;
      this.index = index;
      this.random = new Random(SEED + index);
      this.text = new MeetingText(MeetingText.Roster.of(subdomain, random), random);
    }

    List<SampleDocument> write() throws IOException {
      LocalDate council = LocalDate.of(2024, 1, 16);
      LocalDate planning = LocalDate.of(2024, 1, 22);
      LocalDate council2 = LocalDate.of(2024, 2, 6);

      document(DocumentRef.MINUTES, CITY_COUNCIL, council,
          styled(text.councilMinutes(council, 2), Style.DIGITAL, Style.DIGITAL));
      document(DocumentRef.AGENDAS, CITY_COUNCIL, council,
          styled(List.of(text.councilAgenda(council)), Style.DIGITAL));
      Style secondScan = index == 1 ? Style.SCANNED_ROTATE_ATTR : Style.SCANNED;
      document(DocumentRef.MINUTES, PLANNING_COMMISSION, planning,
          styled(text.planningMinutes(planning, 2), Style.SCANNED, secondScan));
      document(DocumentRef.AGENDAS, PLANNING_COMMISSION, planning,
          styled(List.of(text.planningAgenda(planning)), Style.DIGITAL));
      document(DocumentRef.MINUTES, CITY_COUNCIL, council2,
          styled(text.councilMinutes(council2, 3), Style.DIGITAL, Style.DIGITAL,
              Style.SCANNED_GRAY));
      if (index == 0) {
        LocalDate special = LocalDate.of(2024, 2, 26);
        document(DocumentRef.MINUTES, PLANNING_COMMISSION, special,
            styled(text.planningMinutes(special, 1), Style.SCANNED_SIDEWAYS));
        corrupt(DocumentRef.MINUTES, PLANNING_COMMISSION, LocalDate.of(2024, 3, 11));
      }
      return out;
    }

    private void document(String kind, String meeting, LocalDate date, List<SamplePage> pages)
        throws IOException {
      DocumentRef ref = new DocumentRef(subdomain, kind, meeting, date.toString());
      Path file = pdfPath(storageDir, ref);
      SamplePdfs.write(file, pages, random.nextLong());
      out.add(new SampleDocument(subdomain, kind, meeting, ref.date(), file,
          pages.stream().map(SamplePage::text).toList(), false,
          (int) pages.stream().filter(p -> p.style().scanned()).count(), text.takeMotions()));
    }

    private void corrupt(String kind, String meeting, LocalDate date) throws IOException {
      DocumentRef ref = new DocumentRef(subdomain, kind, meeting, date.toString());
      Path file = pdfPath(storageDir, ref);
      SamplePdfs.writeCorrupt(file, random.nextLong());
      out.add(new SampleDocument(subdomain, kind, meeting, ref.date(), file, List.of(), true, 0,
          List.of()));
    }

    private static List<SamplePage> styled(List<List<String>> pages, Style... styles) {
      if (pages.size() != styles.length) {
        throw new IllegalArgumentException(pages.size() + " pages, " + styles.length + " styles");
      }
      List<SamplePage> out = new ArrayList<>();
      for (int i = 0; i < styles.length; i++) {
        out.add(new SamplePage(styles[i], pages.get(i)));
      }
      return out;
    }
  }
}
