package clerk.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clerk.activities.db.PageWarnings;
import clerk.activities.db.SiteRepository;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.extract.MotionExtractor;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSettings;
import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.activities.sample.SampleSites;
import clerk.activities.sample.TextDistance;
import clerk.activities.storage.SiteStorage;
import clerk.activities.storage.TextWriter;
import clerk.workflows.DocumentActivities;
import clerk.workflows.DocumentOutcome;
import clerk.workflows.DocumentRef;
import clerk.workflows.OcrActivities;
import clerk.workflows.SitePipelineWorkflowImpl;
import clerk.workflows.Stage;
import clerk.workflows.SiteActivities;
import clerk.workflows.StageCounters;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The activities with their real parts (PostgreSQL, the filesystem, Tesseract) inside Temporal's
 * activity test environment: running one twice, or after a crash, leaves what one clean run leaves.
 */
class DocumentActivitiesTest {
  static final String SITE = "alameda.ca.us";

  @TempDir Path home;
  TestActivityEnvironment env;
  DataSource db;
  SiteRepository repository;
  SiteStorage storage;
  OcrActivities ocr;
  DocumentActivities documents;
  SiteActivities site;
  List<SampleDocument> samples;

  @BeforeEach
  void setUp() throws IOException {
    db = TestDatabase.fresh();
    repository = new SiteRepository(db);
    storage = new SiteStorage(home.resolve("storage"));
    samples = SampleSites.generate(storage.root(), List.of(SITE));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new OcrActivitiesImpl(storage, repository, new DocumentOcr(OcrSettings.defaults())),
        new DocumentActivitiesImpl(storage, repository, new MotionExtractor(),
            new SiteBundleWriter(), home.resolve("deploy")),
        // No Temporal client here: runningWorkflows is not called.
        new SiteActivitiesImpl(new SiteInventory(storage, repository), repository, storage, null));
    ActivityOptions once = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    ocr = env.newActivityStub(OcrActivities.class, once);
    documents = env.newActivityStub(DocumentActivities.class, once);
    site = env.newActivityStub(SiteActivities.class, once);
    repository.ensureSite(SITE, "Alameda, CA");
    site.beginStage(SITE, Stage.OCR);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  SampleDocument sample(String kind, int scannedPages) {
    return samples.stream()
        .filter(d -> !d.corrupt() && d.kind().equals(kind) && d.scannedPages() == scannedPages)
        .findFirst().orElseThrow();
  }

  @Test
  void ocrTwiceLeavesTheSameFilesAndCountsTheDocumentOnce() throws IOException {
    SampleDocument digital = sample(DocumentRef.MINUTES, 0);
    DocumentOutcome first = ocr.ocrDocument(digital.ref());
    Map<String, String> files = texts(storage.textDir(digital.ref()));
    DocumentOutcome second = ocr.ocrDocument(digital.ref());

    assertThat(first.pages()).isEqualTo(digital.pages());
    assertThat(second.pages()).isEqualTo(digital.pages());
    assertThat(texts(storage.textDir(digital.ref()))).isEqualTo(files);
    assertThat(storage.readPages(digital.ref()).stream().map(TextDistance::normalise))
        .containsExactlyElementsOf(digital.pageTexts().stream().map(TextDistance::normalise).toList());
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isEqualTo(1);
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  void aScannedPageThatReadsEmptyIsAWarningInStatusAndInTheBundleUntilTheDocumentReadsWell()
      throws IOException {
    DocumentRef d = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-05-07");
    List<String> motion = List.of("Motion by Councilmember Vella, seconded by Councilmember Daysog,",
        "to approve the minutes. Motion carried by the following vote.");
    SamplePdfs.write(storage.pdf(d), List.of(new SamplePage(Style.DIGITAL, motion)), 5);
    appendBlankScan(storage.pdf(d));
    site.beginStage(SITE, Stage.OCR);

    ocr.ocrDocument(d);

    PageWarnings.OfSite warnings = new PageWarnings(db).ofSite(SITE);
    assertThat(warnings.total()).isEqualTo(1);
    assertThat(warnings.warnings()).singleElement().satisfies(w -> {
      assertThat(w.documentId()).isEqualTo(d.id());
      assertThat(w.page()).isEqualTo(2);
      assertThat(w.warning()).startsWith("scanned image read as empty text");
    });
    documents.deploySite(SITE);
    var siteJson = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(home.resolve("deploy").resolve(SITE).resolve("site.json").toFile());
    assertThat(siteJson.path("page_warnings").path("total").asInt()).isEqualTo(1);
    assertThat(siteJson.path("page_warnings").path("warnings").get(0).path("page").asInt()).isEqualTo(2);

    // The scan replaced by a readable one: OCR again, and the warning is gone.
    SamplePdfs.write(storage.pdf(d), List.of(new SamplePage(Style.DIGITAL, motion),
        new SamplePage(Style.SCANNED, motion)), 5);
    storage.removeText(d);
    ocr.ocrDocument(d);

    assertThat(new PageWarnings(db).ofSite(SITE).total()).isZero();
  }

  /** Adds a page that is one white 1-bit image: what a blank sheet through the scanner gives. */
  private static void appendBlankScan(Path pdf) throws IOException {
    try (var document = org.apache.pdfbox.Loader.loadPDF(pdf.toFile())) {
      var page = new org.apache.pdfbox.pdmodel.PDPage(org.apache.pdfbox.pdmodel.common.PDRectangle.LETTER);
      document.addPage(page);
      var white = new java.awt.image.BufferedImage(850, 1100, java.awt.image.BufferedImage.TYPE_BYTE_BINARY);
      var g = white.createGraphics();
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, 850, 1100);
      g.dispose();
      try (var content = new org.apache.pdfbox.pdmodel.PDPageContentStream(document, page)) {
        content.drawImage(org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory.createFromImage(document, white),
            0, 0, 612, 792);
      }
      document.save(pdf.toFile());
    }
  }

  @Test
  void ocrResumesAfterTheLastPageAnEarlierAttemptWrote() throws IOException {
    SampleDocument mixed = samples.stream()
        .filter(d -> d.pages() == 3 && d.scannedPages() == 1).findFirst().orElseThrow();
    // A crashed attempt wrote page 1 (marked, to prove it is not redone).
    try (TextWriter crashed = storage.textWriter(mixed.ref())) {
      crashed.writePage(1, "PAGE ONE FROM THE EARLIER ATTEMPT");
    }
    assertThat(storage.textPageCount(mixed.ref())).as("a partial folder is not text").isZero();

    DocumentOutcome outcome = ocr.ocrDocument(mixed.ref());

    assertThat(outcome.detail()).contains("resumed at page 2");
    List<String> pages = storage.readPages(mixed.ref());
    assertThat(pages).hasSize(3);
    assertThat(pages.get(0)).isEqualTo("PAGE ONE FROM THE EARLIER ATTEMPT");
    assertThat(TextDistance.normalise(pages.get(1)))
        .isEqualTo(TextDistance.normalise(mixed.pageTexts().get(1)));
    assertThat(TextDistance.cer(mixed.pageTexts().get(2), pages.get(2))).isLessThan(0.05); // OCRed
    assertThat(noPartialFolders()).isTrue();
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isEqualTo(1);
  }

  @Test
  void badPdfsFailTheirDocumentWithAReasonAndLeaveNoText() throws IOException {
    Path dir = storage.root().resolve(SITE).resolve("pdfs").resolve("CityCouncil");
    Files.write(dir.resolve("2023-01-01.pdf"), new byte[0]);
    Files.writeString(dir.resolve("2023-02-01.pdf"), "<html>404 Not Found</html>");
    site.beginStage(SITE, Stage.OCR);
    List<DocumentRef> bad = new ArrayList<>(samples.stream()
        .filter(SampleDocument::corrupt).map(SampleDocument::ref).toList());
    bad.add(new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2023-01-01"));
    bad.add(new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2023-02-01"));

    for (DocumentRef d : bad) {
      assertThatThrownBy(() -> ocr.ocrDocument(d))
          .isInstanceOf(ActivityFailure.class)
          .cause().isInstanceOfSatisfying(ApplicationFailure.class, f -> {
            assertThat(f.getType()).isEqualTo(SitePipelineWorkflowImpl.BAD_DOCUMENT);
            assertThat(f.isNonRetryable()).isTrue();
            assertThat(f.getOriginalMessage()).contains(d.date() + ".pdf");
            // Benign: Temporal's SDK logs it at DEBUG, not as a WARN with a stack trace.
            assertThat(f.getCategory()).isEqualTo(io.temporal.failure.ApplicationErrorCategory.BENIGN);
          });
      assertThat(storage.textPageCount(d)).isZero();
    }
    assertThat(noPartialFolders()).isTrue();
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isZero();
  }

  @Test
  void anAttemptTemporalGaveUpOnStopsAndWritesNoFurtherPage() throws IOException {
    DocumentRef d = newDocument("2024-06-04", Style.DIGITAL, Style.SCANNED, Style.SCANNED);
    // Temporal gives up on the attempt as soon as it has heard of page 1: the answer to that heartbeat
    // says so (as it does for a cancelled attempt, or one timed out and retried elsewhere).
    env.setActivityHeartbeatListener(Integer.class, page -> {
      if (page >= 1) {
        env.requestCancelActivity();
      }
    });
    OcrActivities watched = env.newActivityStub(OcrActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setHeartbeatTimeout(Duration.ofMillis(300))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());

    assertThatThrownBy(() -> watched.ocrDocument(d))
        .isInstanceOf(CanceledFailure.class);

    // Page 2 was in Tesseract when the answer came: it is never written, nothing is committed, and
    // page 1 stays for the attempt that takes over.
    assertThat(partialPages(d)).containsExactly("page-1.txt");
    assertThat(storage.textPageCount(d)).isZero();
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isZero();
  }

  @Test
  void anAttemptThatWillBeRetriedKeepsItsPagesAndTheNextResumesFromThem() throws IOException {
    DocumentRef d = newDocument("2024-06-11", Style.DIGITAL, Style.SCANNED);
    // Page 2 needs Tesseract, which cannot start without its language data: worth retrying.
    TestActivityEnvironment broken = TestActivityEnvironment.newInstance();
    try {
      broken.registerActivitiesImplementations(new OcrActivitiesImpl(storage, repository, new DocumentOcr(
          new OcrSettings("eng", 300, Files.createDirectories(home.resolve("no-tessdata")), false))));
      OcrActivities failing = broken.newActivityStub(OcrActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build());
      assertThatThrownBy(() -> failing.ocrDocument(d)).cause()
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.isNonRetryable()).isFalse());
    } finally {
      broken.close();
    }
    assertThat(partialPages(d)).containsExactly("page-1.txt");

    DocumentOutcome outcome = ocr.ocrDocument(d);

    assertThat(outcome.detail()).isEqualTo("0 text layer, 1 tesseract, resumed at page 2");
    assertThat(storage.textPageCount(d)).isEqualTo(2);
    assertThat(noPartialFolders()).isTrue();
  }

  @Test
  void aDocumentThatFailsOcrForGoodKeepsNoHalfWrittenText() throws IOException {
    // Its last attempt died with its worker (or timed out) after writing a page: nobody resumes now.
    SampleDocument scanned = samples.stream()
        .filter(x -> !x.corrupt() && x.scannedPages() > 0).findFirst().orElseThrow();
    try (TextWriter crashed = storage.textWriter(scanned.ref())) {
      crashed.writePage(1, "page one");
    }

    site.recordFailure(SITE, Stage.OCR, scanned.ref().id(), "timed out (heartbeat) on every attempt");

    assertThat(noPartialFolders()).isTrue();
    assertThat(repository.counters(SITE, Stage.OCR).failed()).isEqualTo(1);
  }

  /** A new PDF in the site, one page of minutes per style, registered as the pipeline would. */
  DocumentRef newDocument(String date, Style... styles) throws IOException {
    DocumentRef d = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", date);
    List<SamplePage> pages = new ArrayList<>();
    for (Style style : styles) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        lines.add("Item " + (pages.size() * 100 + i) + (i % 2 == 0 ? ". Councilmember Vella moved approval"
            : ". The motion carried by the following vote"));
      }
      pages.add(new SamplePage(style, lines));
    }
    SamplePdfs.write(storage.pdf(d), pages, 3);
    site.beginStage(SITE, Stage.OCR);
    return d;
  }

  /** The page files in the document's partial folders, whichever attempt wrote them. */
  List<String> partialPages(DocumentRef d) throws IOException {
    try (Stream<Path> all = Files.walk(storage.textDir(d).getParent())) {
      return all.filter(p -> p.getParent().getFileName().toString().endsWith(".partial"))
          .map(p -> p.getFileName().toString()).filter(n -> n.startsWith("page-")).sorted().toList();
    }
  }

  @Test
  void compileAndExtractTwiceLeaveTheSameRows() throws Exception {
    SampleDocument digital = sample(DocumentRef.MINUTES, 0);
    ocr.ocrDocument(digital.ref());
    site.beginStage(SITE, Stage.COMPILATION);
    documents.compileDocument(digital.ref());
    String pages = dump("SELECT page, text FROM pages ORDER BY page");
    documents.compileDocument(digital.ref());
    assertThat(dump("SELECT page, text FROM pages ORDER BY page")).isEqualTo(pages);
    assertThat(count("SELECT count(*) FROM pages")).isEqualTo(digital.pages());
    // Each page's entities are found once, here, as the bundle publishes them (not at every deploy).
    assertThat(count("SELECT count(*) FROM pages WHERE entities_json LIKE '{\"persons\":[%'"))
        .isEqualTo(digital.pages());
    assertThat(repository.counters(SITE, Stage.COMPILATION))
        .isEqualTo(new StageCounters(Stage.COMPILATION, 1, 1, 0));

    site.beginStage(SITE, Stage.EXTRACTION);
    documents.extractDocument(digital.ref());
    String motions = dump("SELECT seq, page, motion, mover, seconder, result, ayes, nays FROM motions ORDER BY seq");
    documents.extractDocument(digital.ref());
    assertThat(dump("SELECT seq, page, motion, mover, seconder, result, ayes, nays FROM motions ORDER BY seq"))
        .isEqualTo(motions);
    assertThat(count("SELECT count(*) FROM motions")).isPositive();
    // The roll call ("Present: … Absent: None."): every member present, once, whatever the reruns.
    assertThat(count("SELECT count(*) FROM attendance")).isPositive()
        .isEqualTo(count("SELECT count(*) FROM attendance WHERE status = 'present'"));
    assertThat(repository.counters(SITE, Stage.EXTRACTION))
        .isEqualTo(new StageCounters(Stage.EXTRACTION, 1, 1, 0));

    site.beginStage(SITE, Stage.DEPLOY);
    StageCounters deployed = documents.deploySite(SITE);
    assertThat(documents.deploySite(SITE)).isEqualTo(deployed);
    assertThat(deployed).isEqualTo(new StageCounters(Stage.DEPLOY, 1, 1, 0));
    assertThat(home.resolve("deploy").resolve(SITE).resolve("meetings.db")).exists();
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  void aDocumentSentBackToOcrIsNotCompiledOrExtractedFromItsOldOutput() throws Exception {
    SampleDocument digital = sample(DocumentRef.MINUTES, 0);
    ocr.ocrDocument(digital.ref());
    site.beginStage(SITE, Stage.COMPILATION);
    documents.compileDocument(digital.ref());
    site.beginStage(SITE, Stage.EXTRACTION);
    // Reconciliation found the text gone and sent the document back to OCR, stages after it too;
    // the activities of the later stages were already queued.
    storage.removeText(digital.ref());
    new SiteInventory(storage, repository).sync(SITE);
    assertThat(repository.hasEntered(digital.ref(), Stage.COMPILATION)).isFalse();
    String pages = dump("SELECT page, text FROM pages ORDER BY page");

    DocumentOutcome extracted = documents.extractDocument(digital.ref());
    DocumentOutcome compiled = documents.compileDocument(digital.ref());

    assertThat(extracted.superseded()).isTrue();
    assertThat(compiled.superseded()).isTrue();
    assertThat(compiled.detail()).contains("reconciliation");
    assertThat(dump("SELECT page, text FROM pages ORDER BY page")).isEqualTo(pages);
    assertThat(count("SELECT count(*) FROM motions")).isZero();
    assertThat(repository.counters(SITE, Stage.COMPILATION).completed()).isZero();
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  void compilationRefusesADocumentWhoseTextVanished() throws IOException {
    SampleDocument digital = sample(DocumentRef.MINUTES, 0);
    ocr.ocrDocument(digital.ref());
    storage.removeText(digital.ref());
    assertThatThrownBy(() -> documents.compileDocument(digital.ref()))
        .cause().isInstanceOfSatisfying(ApplicationFailure.class,
            f -> assertThat(f.getOriginalMessage()).contains("OCR must run again"));
  }

  @Test
  void aLongDocumentIsOcredInRangesThatArePutTogetherWhole() throws Exception {
    DocumentRef longOne = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-04-02");
    List<String> texts = new ArrayList<>();
    List<clerk.activities.sample.SamplePdfs.SamplePage> pdfPages = new ArrayList<>();
    for (int p = 1; p <= 20; p++) {
      List<String> lines = List.of("CITY COUNCIL MINUTES, PAGE " + p, "Item " + p + ": the council heard public comment.");
      pdfPages.add(new clerk.activities.sample.SamplePdfs.SamplePage(
          clerk.activities.sample.SamplePdfs.Style.DIGITAL, lines));
      texts.add(String.join("\n", lines));
    }
    clerk.activities.sample.SamplePdfs.write(storage.pdf(longOne), pdfPages, 3);
    site.beginStage(SITE, Stage.OCR);

    DocumentOutcome split = ocr.ocrDocument(longOne);
    assertThat(split.split()).isTrue();
    assertThat(split.pages()).isEqualTo(20);
    assertThat(storage.textPageCount(longOne)).as("nothing counts as text yet").isZero();
    assertThat(ocr.ocrPages(longOne, 9, 16).detail()).startsWith("pages 9-16: ");
    // A range missing: not put together, nothing recorded (retried until it is there).
    assertThatThrownBy(() -> ocr.commitPages(longOne, 20)).hasStackTraceContaining("pages 17-20 are not OCRed yet");
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isZero();
    ocr.ocrPages(longOne, 17, 20);
    assertThat(ocr.ocrPages(longOne, 17, 20).detail()).as("a range is never OCRed twice").endsWith("already done");

    DocumentOutcome done = ocr.commitPages(longOne, 20);

    assertThat(done.pages()).isEqualTo(20);
    assertThat(storage.readPages(longOne)).hasSize(20);
    for (int p = 1; p <= 20; p++) {
      assertThat(storage.readPages(longOne).get(p - 1)).as("page " + p).isEqualTo(texts.get(p - 1));
    }
    assertThat(storage.hasPartialText(longOne)).as("no ranges left behind").isFalse();
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isEqualTo(1);
    assertThat(ocr.commitPages(longOne, 20).pages()).as("twice changes nothing").isEqualTo(20);
    assertThat(ocr.ocrDocument(longOne).detail()).isEqualTo("text already on disk");
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  void oneActivityReadsTheBatchsTextLayersAndDefersEveryDocumentThatNeedsTesseract() throws Exception {
    List<SampleDocument> digital = samples.stream().filter(d -> !d.corrupt() && d.scannedPages() == 0).toList();
    SampleDocument corrupt = samples.stream().filter(SampleDocument::corrupt).findFirst().orElseThrow();
    DocumentRef mixed = newDocument("2024-07-01", Style.DIGITAL, Style.SCANNED);
    Style[] twenty = new Style[20];
    java.util.Arrays.fill(twenty, Style.DIGITAL);
    DocumentRef longDigital = newDocument("2024-07-02", twenty);
    twenty[14] = Style.SCANNED;
    DocumentRef longWithAScan = newDocument("2024-07-03", twenty);
    List<DocumentRef> batch = new ArrayList<>(digital.stream().map(SampleDocument::ref).toList());
    batch.addAll(List.of(corrupt.ref(), mixed, longDigital, longWithAScan));

    Map<String, DocumentOutcome> out = new java.util.HashMap<>();
    ocr.ocrDocuments(batch).forEach(o -> out.put(o.documentId(), o));

    assertThat(out).hasSize(batch.size());
    for (SampleDocument d : digital) {
      assertThat(out.get(d.ref().id()).pages()).isEqualTo(d.pages());
      assertThat(storage.readPages(d.ref()).stream().map(TextDistance::normalise))
          .containsExactlyElementsOf(d.pageTexts().stream().map(TextDistance::normalise).toList());
    }
    assertThat(out.get(longDigital.id()).split()).as("a born-digital document is never split").isFalse();
    assertThat(out.get(longDigital.id()).pages()).isEqualTo(20);
    assertThat(storage.readPages(longDigital)).hasSize(20);
    assertThat(out.get(corrupt.ref().id()).failure()).contains(corrupt.ref().date() + ".pdf");
    assertThat(storage.textPageCount(corrupt.ref())).isZero();
    assertThat(storage.hasPartialText(corrupt.ref())).as("failed for good: no partial folder left").isFalse();
    assertThat(out.get(mixed.id()).deferred()).isTrue();
    assertThat(out.get(mixed.id()).detail()).contains("page 2");
    assertThat(out.get(longWithAScan.id()).deferred()).isTrue();
    assertThat(storage.textPageCount(mixed)).as("deferred: nothing is text yet").isZero();
    assertThat(storage.hasPartialText(longWithAScan)).as("a long one is read in ranges: nothing to resume").isFalse();
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isEqualTo(digital.size() + 1);
    assertThat(repository.recountCounters(SITE)).isFalse();
    // Recorded for the batch in a few statements, each document with its own facts.
    assertThat(count("SELECT count(*) FROM documents WHERE ocr_status = 'completed' AND (pdf_sha256 IS NULL"
        + " OR pdf_size IS NULL OR text_bytes IS NULL OR ocr_method IS NULL)")).isZero();
    assertThat(dump("SELECT pages, pdf_size FROM documents WHERE document_id = '" + longDigital.id() + "'"))
        .isEqualTo("20|" + Files.size(storage.pdf(longDigital)) + "|\n");

    // Its own activity resumes after the page the batch read.
    assertThat(ocr.ocrDocument(mixed).detail()).contains("resumed at page 2");
    // Twice (a retried batch) changes nothing.
    Map<String, String> files = texts(storage.textDir(longDigital));
    assertThat(ocr.ocrDocuments(List.of(longDigital)).get(0).detail()).isEqualTo("text already on disk");
    assertThat(texts(storage.textDir(longDigital))).isEqualTo(files);
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isEqualTo(digital.size() + 2);
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  void aBatchCompilesAndExtractsEachDocumentAndOneBadDocumentFailsAlone() throws Exception {
    List<SampleDocument> digital = samples.stream().filter(d -> !d.corrupt() && d.scannedPages() == 0).toList();
    assertThat(digital).hasSizeGreaterThan(2);
    for (SampleDocument d : digital) {
      ocr.ocrDocument(d.ref());
    }
    storage.removeText(digital.get(1).ref()); // its text vanished: bad input for compilation
    site.beginStage(SITE, Stage.COMPILATION);

    List<DocumentOutcome> compiled = documents.compileDocuments(digital.stream().map(SampleDocument::ref).toList());

    assertThat(compiled).hasSize(digital.size());
    assertThat(compiled.get(1).failure()).contains("OCR must run again");
    assertThat(compiled).filteredOn(o -> o.failure() == null).hasSize(digital.size() - 1)
        .allSatisfy(o -> assertThat(o.detail()).endsWith("pages indexed"));
    assertThat(count("SELECT count(*) FROM pages")).isEqualTo(
        digital.stream().filter(d -> d != digital.get(1)).mapToInt(d -> d.pageTexts().size()).sum());
    // Twice (a retried batch) changes nothing.
    String pages = dump("SELECT document_id, page, text FROM pages ORDER BY 1, 2");
    documents.compileDocuments(digital.stream().map(SampleDocument::ref).toList());
    assertThat(dump("SELECT document_id, page, text FROM pages ORDER BY 1, 2")).isEqualTo(pages);

    site.beginStage(SITE, Stage.EXTRACTION);
    List<DocumentRef> extractable = digital.stream().filter(d -> d != digital.get(1)).map(SampleDocument::ref).toList();
    assertThat(documents.extractDocuments(extractable))
        .allSatisfy(o -> assertThat(o.failure()).isNull()).allSatisfy(o -> assertThat(o.superseded()).isFalse());
    assertThat(repository.counters(SITE, Stage.EXTRACTION).completed()).isEqualTo(extractable.size());
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  void aDocumentWhoseRowsTheDatabaseRefusesFailsAloneInItsBatchAndARetriedBatchChangesNothing() throws Exception {
    List<SampleDocument> digital = samples.stream().filter(d -> !d.corrupt() && d.scannedPages() == 0).toList();
    assertThat(digital).hasSizeGreaterThan(2);
    List<DocumentRef> refs = digital.stream().map(SampleDocument::ref).toList();
    assertThat(ocr.ocrDocuments(refs)).allSatisfy(o -> assertThat(o.failure()).isNull());
    // A page whose words make a tsvector over PostgreSQL's 1 MB limit: its rows are refused (54000).
    StringBuilder words = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      words.append('w');
      for (int n = i; n > 0; n /= 26) {
        words.append((char) ('a' + n % 26)); // a distinct word for each i
      }
      words.append(i % 12 == 11 ? '\n' : ' ');
    }
    Files.writeString(storage.textDir(refs.get(1)).resolve("page-1.txt"), words);
    site.beginStage(SITE, Stage.COMPILATION);

    List<DocumentOutcome> compiled = documents.compileDocuments(refs);

    assertThat(compiled.get(1).failure()).startsWith("the database refused its rows: ").contains("tsvector");
    assertThat(compiled).filteredOn(o -> o.failure() == null).hasSize(refs.size() - 1)
        .allSatisfy(o -> assertThat(o.detail()).endsWith("pages indexed"));
    assertThat(count("SELECT count(*) FROM pages WHERE document_id = '" + refs.get(1).id() + "'")).isZero();
    assertThat(count("SELECT count(*) FROM pages")).isEqualTo(
        digital.stream().filter(d -> d != digital.get(1)).mapToInt(d -> d.pageTexts().size()).sum());
    // The workflow records the failure; a retried batch (the same documents again) leaves the same
    // rows and counters.
    site.recordFailure(SITE, Stage.COMPILATION, refs.get(1).id(), compiled.get(1).failure());
    String pages = dump("SELECT document_id, page, text FROM pages ORDER BY 1, 2");
    StageCounters counters = repository.counters(SITE, Stage.COMPILATION);
    assertThat(counters).isEqualTo(new StageCounters(Stage.COMPILATION, refs.size(), refs.size() - 1, 1));
    documents.compileDocuments(refs);
    assertThat(dump("SELECT document_id, page, text FROM pages ORDER BY 1, 2")).isEqualTo(pages);
    assertThat(repository.counters(SITE, Stage.COMPILATION)).isEqualTo(counters);
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  void anUnreachableDatabaseIsUnavailableNotTheDocumentsFault() throws IOException {
    SampleDocument digital = sample(DocumentRef.MINUTES, 0);
    // Nothing listens on port 1: every connection is refused (SQLSTATE 08001).
    org.postgresql.ds.PGSimpleDataSource down = new org.postgresql.ds.PGSimpleDataSource();
    down.setURL("jdbc:postgresql://127.0.0.1:1/clerk");
    SiteRepository unreachable = new SiteRepository(down);
    TestActivityEnvironment outage = TestActivityEnvironment.newInstance();
    try {
      outage.registerActivitiesImplementations(
          new OcrActivitiesImpl(storage, unreachable, new DocumentOcr(OcrSettings.defaults())),
          new DocumentActivitiesImpl(storage, unreachable, new MotionExtractor(),
              new SiteBundleWriter(), home.resolve("deploy")));
      ActivityOptions once = ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();
      OcrActivities ocrDown = outage.newActivityStub(OcrActivities.class, once);
      DocumentActivities documentsDown = outage.newActivityStub(DocumentActivities.class, once);

      for (Runnable call : List.<Runnable>of(
          () -> ocrDown.ocrDocument(digital.ref()),
          () -> documentsDown.compileDocument(digital.ref()),
          () -> documentsDown.extractDocument(digital.ref()),
          () -> documentsDown.deploySite(SITE))) {
        assertThatThrownBy(call::run).cause().isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(SitePipelineWorkflowImpl.UNAVAILABLE);
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getOriginalMessage()).startsWith("database unavailable: ");
        });
      }
    } finally {
      outage.close();
    }
    // The text OCR wrote is whole on disk: the next attempt finds it there and only records it.
    assertThat(storage.textPageCount(digital.ref())).isEqualTo(digital.pages());
    assertThat(ocr.ocrDocument(digital.ref()).detail()).isEqualTo("text already on disk");
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isEqualTo(1);
  }

  @Test
  void aMissingStorageFolderIsUnavailableAndNothingIsWrittenIntoTheMountPoint() throws IOException {
    SampleDocument compiling = sample(DocumentRef.MINUTES, 0);
    SampleDocument scanned = samples.stream()
        .filter(d -> !d.corrupt() && d.scannedPages() > 0).findFirst().orElseThrow();
    ocr.ocrDocument(compiling.ref());
    site.beginStage(SITE, Stage.COMPILATION);
    Path siteDir = storage.siteDir(SITE);
    Files.move(siteDir, home.resolve("unmounted"));

    for (Runnable call : List.<Runnable>of(
        () -> ocr.ocrDocument(scanned.ref()), () -> documents.compileDocument(compiling.ref()))) {
      assertThatThrownBy(call::run).cause().isInstanceOfSatisfying(ApplicationFailure.class, f -> {
        assertThat(f.getType()).isEqualTo(SitePipelineWorkflowImpl.UNAVAILABLE);
        assertThat(f.getOriginalMessage())
            .isEqualTo("storage folder " + siteDir + " is missing (is STORAGE_DIR mounted?)");
      });
    }
    assertThat(siteDir).doesNotExist();
    assertThat(repository.counters(SITE, Stage.OCR).failed()).isZero();
    assertThat(repository.counters(SITE, Stage.COMPILATION).failed()).isZero();
  }

  @Test
  void deployFailsOnlyTheDocumentTheBundleCannotTakeAndPublishesTheRest() throws Exception {
    // Two documents whose pages' 48-bit row ids are equal by chance (found by a birthday search, checked
    // with Python as civic.band computes ids; see SiteBundleWriterTest).
    compiledAndExtracted(new DocumentRef(SITE, DocumentRef.MINUTES, "A_B", "2024-01-01"), "Roll call 1185268");
    compiledAndExtracted(new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-01-02"),
        "Roll call 16384574");
    site.beginStage(SITE, Stage.DEPLOY);

    StageCounters deployed = documents.deploySite(SITE);

    assertThat(deployed).isEqualTo(new StageCounters(Stage.DEPLOY, 2, 1, 1));
    assertThat(repository.failedDocuments(SITE)).singleElement().satisfies(f -> {
      assertThat(f.documentId()).isEqualTo("minutes/CityCouncil/2024-01-02");
      assertThat(f.stage()).isEqualTo("deploy");
      assertThat(f.error()).contains("row id dcdc6441574c of minutes/A_B/2024-01-01 page 1");
    });
    assertThat(count("SELECT count(*) FROM documents WHERE deploy_status = 'completed'")).isEqualTo(1);
    assertThat(home.resolve("deploy").resolve(SITE).resolve("meetings.db")).exists();
    // Deploying again gives the same verdict, counted once.
    assertThat(documents.deploySite(SITE)).isEqualTo(deployed);
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  /** A one-page document as compilation and extraction leave it. */
  void compiledAndExtracted(DocumentRef d, String text) throws SQLException {
    try (Connection c = db.getConnection()) {
      try (var s = c.prepareStatement("INSERT INTO documents (subdomain, document_id, kind, meeting, date,"
          + " ocr_status, compilation_status, extraction_status, pages) VALUES (?, ?, ?, ?, ?, 'completed',"
          + " 'completed', 'completed', 1)")) {
        s.setString(1, d.subdomain());
        s.setString(2, d.id());
        s.setString(3, d.kind());
        s.setString(4, d.meeting());
        s.setString(5, d.date());
        s.executeUpdate();
      }
      try (var s = c.prepareStatement("INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text)"
          + " VALUES (?, ?, ?, ?, ?, 1, ?)")) {
        s.setString(1, d.subdomain());
        s.setString(2, d.id());
        s.setString(3, d.kind());
        s.setString(4, d.meeting());
        s.setString(5, d.date());
        s.setString(6, text);
        s.executeUpdate();
      }
    }
  }

  Map<String, String> texts(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        out.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    return out;
  }

  boolean noPartialFolders() throws IOException {
    try (Stream<Path> all = Files.walk(storage.root())) {
      return all.noneMatch(p -> p.getFileName().toString().endsWith(".partial"));
    }
  }

  long count(String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  String dump(String sql) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        for (int i = 1; i <= columns; i++) {
          out.append(r.getString(i)).append('|');
        }
        out.append('\n');
      }
    }
    return out.toString();
  }
}
