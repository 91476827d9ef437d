package clerk.activities.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clerk.workflows.DocumentRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteStorageTest {
  static final String SITE = "alameda.ca.us";

  @TempDir Path root;
  SiteStorage storage;

  final DocumentRef fivePages = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-01-15");
  final DocumentRef onePage = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-02-05");
  final DocumentRef agenda = new DocumentRef(SITE, DocumentRef.AGENDAS, "CityCouncil", "2024-01-15");

  @BeforeEach
  void setUp() throws IOException {
    storage = new SiteStorage(root);
    for (DocumentRef d : List.of(fivePages, onePage, agenda)) {
      Files.createDirectories(storage.pdf(d).getParent());
      Files.writeString(storage.pdf(d), "%PDF-1.7");
    }
  }

  void ocr(DocumentRef d, int pages) throws IOException {
    try (TextWriter w = storage.textWriter(d)) {
      for (int n = 1; n <= pages; n++) {
        w.writePage(n, "page " + n);
      }
      w.commit(pages);
    }
  }

  @Test
  void documentsCountOnceWhateverTheirPagesAndAgendasCountTheSame() throws IOException {
    assertThat(storage.scan(SITE).documents()).containsExactly(agenda, fivePages, onePage);
    ocr(fivePages, 5);
    ocr(onePage, 1);
    ocr(agenda, 2);
    SiteSurvey survey = storage.survey(SITE);
    assertThat(survey.documents()).extracting(d -> d.text().pages()).containsExactly(2, 5, 1);
    assertThat(survey.documents()).allSatisfy(d -> assertThat(d.partial()).isFalse());
    assertThat(storage.textPageCount(fivePages)).isEqualTo(5);
    assertThat(storage.readPages(fivePages)).containsExactly("page 1", "page 2", "page 3", "page 4", "page 5");
    assertThat(root.resolve(SITE + "/_agendas/txt/CityCouncil/2024-01-15/page-2.txt")).exists();
  }

  @Test
  void aPartialFolderIsNotTextUntilCommittedAndIsResumed() throws IOException {
    try (TextWriter w = storage.textWriter(fivePages)) {
      w.writePage(1, "one");
      w.writePage(2, "two");
    }
    assertThat(storage.isTextComplete(fivePages)).isFalse();
    SiteSurvey.DiskDocument partial = storage.survey(SITE).documents().get(1);
    assertThat(partial.ref()).isEqualTo(fivePages);
    assertThat(partial.partial()).isTrue();
    assertThat(partial.text().exists()).isFalse();

    try (TextWriter again = storage.textWriter(fivePages)) {
      assertThat(again.pagesWritten()).containsExactly(1, 2);
      assertThatThrownBy(() -> again.commit(3)).hasMessageContaining("expected pages 1..3");
      again.writePage(3, "three");
      again.commit(3);
    }
    assertThat(storage.readPages(fivePages)).containsExactly("one", "two", "three");
    SiteSurvey.DiskDocument done = storage.survey(SITE).documents().get(1);
    assertThat(done.partial()).isFalse();
    assertThat(done.text()).isEqualTo(new SiteSurvey.Text(3, 3, "onetwothree".length(), 0));
  }

  @Test
  void anAttemptWhosePagesASuccessorTookOverCanNeitherWriteNorCommitThere() throws IOException {
    // The old attempt is still running: Temporal gave up on it and started another, it has not noticed.
    TextWriter old = storage.textWriter(fivePages);
    old.writePage(1, "one");
    TextWriter next = storage.textWriter(fivePages);
    assertThat(next.pagesWritten()).as("the pages are taken over").containsExactly(1);

    assertThatThrownBy(() -> old.writePage(2, "two, from the old attempt")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> old.commit(1)).isInstanceOf(IOException.class);
    old.discard(); // a failing old attempt cleaning up after itself touches nothing of the successor's

    assertThat(next.pagesWritten()).containsExactly(1);
    assertThat(storage.isTextComplete(fivePages)).isFalse();
    next.writePage(2, "two");
    next.commit(2);
    assertThat(storage.readPages(fivePages)).containsExactly("one", "two");
    assertThat(storage.hasPartialText(fivePages)).isFalse();
  }

  @Test
  void theAttemptThatGotFurthestIsResumedAndOtherLeftoversGo() throws IOException {
    Path meeting = Files.createDirectories(root.resolve(SITE + "/txt/CityCouncil"));
    // Left by a worker from before attempts owned their folders, and by two crashed attempts.
    Path legacy = Files.createDirectories(meeting.resolve(".2024-01-15.partial"));
    Files.writeString(legacy.resolve("page-1.txt"), "one (legacy)");
    Path furthest = Files.createDirectories(meeting.resolve(".2024-01-15.0123456789ab.partial"));
    for (int n = 1; n <= 3; n++) {
      Files.writeString(furthest.resolve("page-" + n + ".txt"), "page " + n);
    }
    Files.createDirectories(meeting.resolve(".2024-01-15.ba9876543210.partial"));
    Files.createDirectories(meeting.resolve(".2024-02-05.partial")); // another document's
    assertThat(storage.survey(SITE).documents()).filteredOn(SiteSurvey.DiskDocument::partial)
        .extracting(SiteSurvey.DiskDocument::ref).containsExactly(fivePages, onePage);

    try (TextWriter w = storage.textWriter(fivePages)) {
      assertThat(w.pagesWritten()).containsExactly(1, 2, 3);
    }
    // The leftovers beside the text folders moved into the meeting's one hidden folder of partials.
    try (var folders = Files.list(meeting)) {
      assertThat(folders.map(p -> p.getFileName().toString())).containsExactly(".partials");
    }
    try (var folders = Files.list(meeting.resolve(".partials"))) {
      assertThat(folders.map(p -> p.getFileName().toString()))
          .hasSize(2).contains(".2024-02-05.partial").anySatisfy(name -> assertThat(name)
              .matches("\\.2024-01-15\\.[0-9a-f]{12}\\.partial").isNotEqualTo(furthest.getFileName().toString()));
    }
    assertThat(storage.survey(SITE).documents()).filteredOn(SiteSurvey.DiskDocument::partial)
        .extracting(SiteSurvey.DiskDocument::ref).containsExactly(fivePages, onePage);
    assertThat(storage.hasPartialText(onePage)).isTrue();
    storage.removePartialText(onePage);
    assertThat(storage.hasPartialText(onePage)).isFalse();
  }

  @Test
  void writingAMeetingsDocumentsNeverListsTheMeetingsTextFolder() throws IOException {
    Path meeting = Files.createDirectories(root.resolve(SITE + "/txt/CityCouncil"));
    try (TextWriter w = storage.textWriter(onePage)) {
      w.writePage(1, "one");
      w.commit(1);
    }
    // A partial folder left beside the text folders now is not an older version's: it is not looked for.
    Files.createDirectories(meeting.resolve(".2024-01-15.0123456789ab.partial"));
    try (TextWriter w = storage.textWriter(fivePages)) {
      assertThat(w.pagesWritten()).isEmpty();
    }
  }

  @Test
  void committingAgainReplacesTheTextWhole() throws IOException {
    ocr(fivePages, 5);
    ocr(fivePages, 2);
    assertThat(storage.readPages(fivePages)).containsExactly("page 1", "page 2");
    try (var files = Files.list(storage.textDir(fivePages).getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("2024-01-15", ".partials");
    }
    try (var files = Files.list(storage.textDir(fivePages).resolveSibling(".partials"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void theSurveyFingerprintChangesWithAnyFileAndOnlyThen() throws IOException {
    ocr(fivePages, 5);
    String before = storage.survey(SITE).fingerprint();
    assertThat(storage.survey(SITE).fingerprint()).as("same tree, same fingerprint").isEqualTo(before);

    Path page = storage.textDir(fivePages).resolve("page-2.txt");
    Files.writeString(page, "");
    SiteSurvey truncated = storage.survey(SITE);
    assertThat(truncated.fingerprint()).isNotEqualTo(before);
    assertThat(truncated.documents().get(1).text().emptyPages()).isEqualTo(1);

    Files.delete(storage.textDir(fivePages).resolve("page-5.txt"));
    SiteSurvey.Text fourLeft = storage.survey(SITE).documents().get(1).text();
    assertThat(fourLeft.pages()).as("pages 1-4 still look whole").isEqualTo(4);

    Files.delete(storage.textDir(fivePages).resolve("page-3.txt"));
    SiteSurvey.Text gap = storage.survey(SITE).documents().get(1).text();
    assertThat(gap.complete()).as("a gap is not text").isFalse();
    assertThat(gap.files()).isEqualTo(3);

    String withoutNew = storage.survey(SITE).fingerprint();
    DocumentRef added = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-03-04");
    Files.writeString(storage.pdf(added), "%PDF-1.7");
    assertThat(storage.survey(SITE).fingerprint()).isNotEqualTo(withoutNew);
    assertThat(storage.survey(SITE).refs()).contains(added);
  }

  @Test
  void badNamesAreRefusedNamingTheValue() {
    for (String bad : List.of("..", "../etc", "/etc", "a/b", "Alameda.CA.us", ".hidden.us", "nodot", "a\u0000.us", "")) {
      assertThatThrownBy(() -> SiteStorage.validateSubdomain(bad))
          .isInstanceOf(InvalidNameException.class).hasMessageContaining("invalid subdomain");
    }
    assertThatThrownBy(() -> storage.pdf(new DocumentRef(SITE, "minutes", "..", "2024-01-01")))
        .isInstanceOf(InvalidNameException.class).hasMessageContaining("\"..\"");
    assertThatThrownBy(() -> storage.pdf(new DocumentRef(SITE, "minutes", "Council", "x/../../y")))
        .isInstanceOf(InvalidNameException.class).hasMessageContaining("path separator");
  }

  @Test
  void aSymlinkOutOfTheTreeIsRefused(@TempDir Path elsewhere) throws IOException {
    Files.createSymbolicLink(root.resolve("evil.ca.us"), elsewhere);
    assertThatThrownBy(() -> storage.siteDir("evil.ca.us"))
        .isInstanceOf(InvalidNameException.class).hasMessageContaining("symbolic link");
  }

  @Test
  void aLinkOutOfTheTreeAnywhereOnADocumentsPathIsRefused(@TempDir Path elsewhere) throws IOException {
    // Each path is checked once, at its end: a link in a folder on the way must still be caught.
    Files.createSymbolicLink(root.resolve("evil.ca.us"), elsewhere);
    Files.createDirectories(elsewhere.resolve("pdfs/CityCouncil"));
    DocumentRef viaSite = new DocumentRef("evil.ca.us", DocumentRef.MINUTES, "CityCouncil", "2024-01-15");
    assertThatThrownBy(() -> storage.pdf(viaSite)).isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> storage.textDir(viaSite)).isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("symbolic link");

    Files.createDirectories(root.resolve(SITE + "/txt"));
    Files.createSymbolicLink(root.resolve(SITE + "/txt/Planning"), elsewhere);
    DocumentRef viaMeeting = new DocumentRef(SITE, DocumentRef.MINUTES, "Planning", "2024-01-15");
    assertThatThrownBy(() -> storage.textDir(viaMeeting)).isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("symbolic link");
    assertThat(storage.textDir(fivePages)).startsWithRaw(root);
  }

  @Test
  void scanReportsStrayFilesWithoutFailing() throws IOException {
    Files.writeString(root.resolve(SITE + "/pdfs/stray.pdf"), "x");
    Files.createDirectories(root.resolve(SITE + "/pdfs/.hidden"));
    Files.writeString(root.resolve(SITE + "/pdfs/.hidden/2024-01-01.pdf"), "x");
    Files.writeString(root.resolve(SITE + "/pdfs/CityCouncil/Thumbs.db"), "x");
    Files.writeString(root.resolve(SITE + "/pdfs/CityCouncil/2024-05-01.PDF"), "x");
    SiteStorage.Scan scan = storage.scan(SITE);
    assertThat(scan.documents()).hasSize(3);
    assertThat(scan.problems()).hasSize(4)
        .anySatisfy(p -> assertThat(p).contains("stray.pdf"))
        .anySatisfy(p -> assertThat(p).contains("Thumbs.db: not a .pdf file"))
        .anySatisfy(p -> assertThat(p).contains("2024-05-01.PDF: the extension must be lowercase"));
    assertThat(storage.scan("missing.ca.us").problems()).singleElement()
        .satisfies(p -> assertThat(p).contains("no such site folder"));
  }

  @Test
  void aPdfWhoseNameIsNotACalendarDateIsSkippedAndListed() throws IOException {
    Path council = root.resolve(SITE + "/pdfs/CityCouncil");
    List<String> bad = List.of("minutes-final.pdf", "2024-02-30.pdf", "2023-02-29.pdf", "2024-1-5.pdf",
        "2024-01-15-special.pdf", "20240115.pdf", "\uff12\uff10\uff12\uff14-01-15.pdf");
    for (String name : bad) {
      Files.writeString(council.resolve(name), "%PDF-1.7");
    }
    // The two files whose names once mapped to the same bundle row: only the dated one is a document.
    Files.createDirectories(root.resolve(SITE + "/pdfs/A"));
    Files.createDirectories(root.resolve(SITE + "/pdfs/A_B"));
    Files.writeString(root.resolve(SITE + "/pdfs/A/B_2024-01-01.pdf"), "%PDF-1.7");
    Files.writeString(root.resolve(SITE + "/pdfs/A_B/2024-01-01.pdf"), "%PDF-1.7");
    Files.writeString(council.resolve("2024-02-29.pdf"), "%PDF-1.7"); // a leap day is a date

    SiteStorage.Scan scan = storage.scan(SITE);

    assertThat(scan.documents()).extracting(DocumentRef::id).containsExactly(
        "agendas/CityCouncil/2024-01-15", "minutes/A_B/2024-01-01", "minutes/CityCouncil/2024-01-15",
        "minutes/CityCouncil/2024-02-05", "minutes/CityCouncil/2024-02-29");
    assertThat(scan.problems()).hasSize(bad.size() + 1).allSatisfy(p -> assertThat(p)
        .contains("invalid date").contains("must be a calendar date YYYY-MM-DD"));
    assertThat(scan.problems()).anySatisfy(p -> assertThat(p).endsWith(
        "pdfs/A/B_2024-01-01.pdf: invalid date \"B_2024-01-01\": the file name must be a calendar date"
            + " YYYY-MM-DD, e.g. 2024-01-15.pdf"));
    assertThatThrownBy(() -> storage.pdf(new DocumentRef(SITE, "minutes", "CityCouncil", "minutes-final")))
        .isInstanceOf(InvalidNameException.class).hasMessageContaining("invalid date \"minutes-final\"");
  }

  @Test
  void theTextOfADocumentWhoseNameIsNoLongerValidCanStillBeRemoved() throws IOException {
    // OCRed before dates were checked; the next comparison removes the document and its text.
    DocumentRef old = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "minutes-final");
    Path text = Files.createDirectories(root.resolve(SITE + "/txt/CityCouncil/minutes-final"));
    Files.writeString(text.resolve("page-1.txt"), "old text");

    storage.removeText(old);

    assertThat(text).doesNotExist();
  }
}
