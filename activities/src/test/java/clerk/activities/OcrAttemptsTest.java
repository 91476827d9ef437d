package clerk.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSettings;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.activities.sample.TextDistance;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentRef;
import clerk.workflows.OcrActivities;
import clerk.workflows.SiteActivities;
import clerk.workflows.SitePipelineWorkflowImpl;
import clerk.workflows.Stage;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCR attempts against a Temporal server (the SDK's test server, real time), with real PDFBox,
 * Tesseract, PostgreSQL and files: the server's heartbeat and start-to-close timeouts, retries and
 * attempt numbers are the real ones.
 */
class OcrAttemptsTest {
  static final String SITE = "alameda.ca.us";
  static final String QUEUE = "ocr-attempts";

  @TempDir Path home;
  SiteStorage storage;
  SiteRepository repository;
  TestWorkflowEnvironment env;

  @BeforeEach
  void setUp() {
    storage = new SiteStorage(home.resolve("storage"));
    repository = new SiteRepository(TestDatabase.fresh());
    repository.ensureSite(SITE, "Alameda, CA");
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  /** Runs one OCR activity with the given options and reports how it ended. */
  @WorkflowInterface
  public interface OcrOnce {
    @WorkflowMethod
    String ocr(DocumentRef document, long heartbeatTimeoutMillis, long startToCloseMillis, int attempts);
  }

  public static class OcrOnceImpl implements OcrOnce {
    @Override
    public String ocr(DocumentRef document, long heartbeatTimeoutMillis, long startToCloseMillis, int attempts) {
      OcrActivities ocr = Workflow.newActivityStub(OcrActivities.class, ActivityOptions.newBuilder()
          .setHeartbeatTimeout(Duration.ofMillis(heartbeatTimeoutMillis))
          .setStartToCloseTimeout(Duration.ofMillis(startToCloseMillis))
          .setRetryOptions(RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofMillis(200))
              .setBackoffCoefficient(1)
              .setMaximumAttempts(attempts)
              .setDoNotRetry(SitePipelineWorkflowImpl.BAD_DOCUMENT)
              .build())
          .build());
      try {
        return ocr.ocrDocument(document).detail();
      } catch (ActivityFailure failure) {
        Throwable cause = failure.getCause();
        String reason = cause instanceof TimeoutFailure timeout
            ? "timed out (" + timeout.getTimeoutType() + ")"
            : cause instanceof ApplicationFailure app ? app.getOriginalMessage() : String.valueOf(cause);
        // As the site pipeline does when a document fails for good.
        Workflow.newActivityStub(SiteActivities.class, ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30)).build())
            .recordFailure(document.subdomain(), Stage.OCR, document.id(), reason);
        return "failed: " + reason;
      }
    }
  }

  String run(OcrSettings settings, DocumentRef document, Duration heartbeatTimeout, Duration startToClose,
      int attempts) {
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(OcrOnceImpl.class);
    worker.registerActivitiesImplementations(
        new OcrActivitiesImpl(storage, repository, new DocumentOcr(settings)),
        new SiteActivitiesImpl(new SiteInventory(storage, repository), repository, storage, null));
    env.start();
    OcrOnce workflow = env.getWorkflowClient().newWorkflowStub(OcrOnce.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build());
    return workflow.ocr(document, heartbeatTimeout.toMillis(), startToClose.toMillis(), attempts);
  }

  DocumentRef document(String date, List<SamplePage> pages) throws IOException {
    DocumentRef d = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", date);
    SamplePdfs.write(storage.pdf(d), pages, 11);
    new SiteInventory(storage, repository).sync(SITE);
    return d;
  }

  private static final List<String> WORDS = List.of(("Councilmember Daysog moved and Councilmember Vella"
      + " seconded to approve the contract with Bay Cities Paving for the bicycle lane on Central Avenue,"
      + " amending the budget by $1,250,000. Motion carried by the following vote: Ayes: Daysog, Herrera"
      + " Spencer, Jensen, Vella and Mayor Ashcraft. Noes: none. The Clerk read the public comments on the"
      + " library hours at 1550 Oak Street into the record, and staff answered questions about parking.")
      .split(" "));

  /** A page of 34 lines of minutes, never the same twice in a row: a full page for Tesseract. */
  static SamplePage densePage(Style style, int seed) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (int i = seed * 7; lines.size() < 34; i++) {
      String word = WORDS.get(i % WORDS.size());
      if (line.length() + word.length() + 1 > 60) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() == 0 ? "" : " ").append(word);
    }
    return new SamplePage(style, lines);
  }

  List<Path> partialFolders() throws IOException {
    try (Stream<Path> all = Files.walk(storage.root())) {
      return all.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
    }
  }

  @Test
  void aPageTesseractReadsForLongerThanTheHeartbeatTimeoutDoesNotCostTheAttempt() throws IOException {
    // 85 lines of 7-point print, OCRed at 600 dpi: several times the 3 s heartbeat timeout (13 s on
    // the shared 2-core test machine). Heartbeats only between pages would time the attempt out.
    DocumentRef d = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-05-07");
    smallPrintPage(storage.pdf(d));
    new SiteInventory(storage, repository).sync(SITE);
    OcrSettings everyPageAt600Dpi = OcrSettings.defaults().withForceOcr(true).withDpi(600);

    String outcome = run(everyPageAt600Dpi, d, Duration.ofSeconds(3), Duration.ofMinutes(5), 1);

    assertThat(outcome).isEqualTo("0 text layer, 1 tesseract");
    assertThat(storage.readPages(d).get(0)).contains("Councilmember Daysog moved");
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isEqualTo(1);
  }

  @Test
  void aDocumentWhoseLastAttemptFailsKeepsNoHalfWrittenText() throws IOException {
    // Page 1 comes from its text layer; page 2 needs Tesseract, which cannot start without its data:
    // a failure worth retrying, on every attempt. The second attempt resumes at page 2, then the
    // failure is recorded as the pipeline records it.
    DocumentRef d = document("2024-05-14", List.of(densePage(Style.DIGITAL, 1), densePage(Style.SCANNED, 2)));
    OcrSettings noTessdata = new OcrSettings("eng", 300, Files.createDirectories(home.resolve("empty")), false);

    String outcome = run(noTessdata, d, Duration.ofSeconds(10), Duration.ofMinutes(1), 2);

    assertThat(outcome).startsWith("failed: ").contains("Tesseract language data for 'eng' not found");
    assertThat(partialFolders()).as("no half-written text of a document that failed for good").isEmpty();
    assertThat(storage.textPageCount(d)).isZero();
    assertThat(repository.counters(SITE, Stage.OCR).failed()).isEqualTo(1);
  }

  @Test
  void attemptsTemporalGivesUpOnStopAndTheirSuccessorsFinishTheDocument() throws IOException {
    // Each attempt may run 6 s, less than eight scanned pages take: Temporal times attempts out while
    // they are busy, and each next attempt takes the pages over and goes on after them.
    List<SamplePage> pages = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      pages.add(densePage(Style.SCANNED, i));
    }
    DocumentRef d = document("2024-05-21", pages);

    String outcome = run(OcrSettings.defaults(), d, Duration.ofSeconds(3), Duration.ofSeconds(6), 40);

    assumeThat(outcome).as("a machine that OCRs 8 pages in 6 s times no attempt out").doesNotContain(" 8 tesseract");
    // The last attempt resumed after its predecessors' pages, or found the text that an attempt timed
    // out just as it committed had left (an attempt commits only while Temporal has not given up on
    // it as far as its last heartbeat knows): either way the successor finishes the document.
    assertThat(outcome).containsAnyOf("resumed at page", "text already on disk");
    List<String> texts = storage.readPages(d);
    assertThat(texts).hasSize(8);
    for (int i = 0; i < 8; i++) {
      assertThat(TextDistance.cer(pages.get(i).text(), texts.get(i))).as("page " + (i + 1)).isLessThan(0.05);
    }
    assertThat(partialFolders()).isEmpty();
    assertThat(repository.counters(SITE, Stage.OCR).completed()).isEqualTo(1);
  }

  /** A letter page of 85 lines of 7-point print with a text layer: slow for Tesseract. */
  static void smallPrintPage(Path pdf) throws IOException {
    Files.createDirectories(pdf.getParent());
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        content.beginText();
        content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 7);
        content.setLeading(8.5f);
        content.newLineAtOffset(36, 756);
        int word = 0;
        for (int line = 0; line < 85; line++) {
          StringBuilder text = new StringBuilder();
          while (text.length() < 125) {
            text.append(WORDS.get(word++ % WORDS.size())).append(' ');
          }
          content.showText(text.toString().trim());
          content.newLine();
        }
        content.endText();
      }
      document.save(pdf.toFile());
    }
  }
}
