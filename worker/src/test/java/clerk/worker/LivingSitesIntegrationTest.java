package clerk.worker;

import clerk.client.ReconciliationSchedule;
import clerk.client.Reconciliations;
import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.activities.sample.SampleSites;
import clerk.workflows.DocumentRef;
import clerk.workflows.Pipelines;
import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.SitePipelineWorkflow;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site that keeps living, with the real parts (embedded PostgreSQL, the Temporal test server,
 * Tesseract): from a completed site, each change on disk is found by one scheduled reconciliation run
 * and goes through the pipeline, and what is published is the site as it is now. The tests share one
 * site and run in order; each starts from the site completed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LivingSitesIntegrationTest {
  static final String SITE = "alameda.ca.us";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path home;
  static ClerkWorkerApplication.Running worker;
  static List<SampleDocument> samples;
  static SiteRepository repository;
  static WorkflowClient client;
  static Reconciliations reconciliations;
  static ClerkSettings settings;

  @BeforeAll
  static void completedSite() throws Exception {
    settings = TestWorkers.embedded(home, "CLERK_RECONCILE_INTERVAL", "off");
    samples = new ArrayList<>(SampleSites.generate(settings.storageDir(), List.of(SITE)));
    worker = ClerkWorkerApplication.start(settings);
    repository = worker.context().getBean(SiteRepository.class);
    client = worker.context().getBean(WorkflowClient.class);
    reconciliations = new Reconciliations(client, worker.settings());
    repository.ensureSite(SITE, "Alameda, CA");
    new Pipelines(client, settings.taskQueue()).start(SITE);
    awaitPipeline();
    assertThat(repository.site(SITE).currentStage()).isEqualTo(Stage.COMPLETED);
    assertThat(reconcile().examined()).as("a completed site in step: nothing to examine").isZero();
  }

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  @Order(1)
  void aNewPdfInACompletedSiteIsProcessedAndPublishedAfterOneRun() throws Exception {
    DocumentRef added = new DocumentRef(SITE, DocumentRef.MINUTES, SampleSites.CITY_COUNCIL, "2024-03-05");
    write(added, "Moved by Councilmember Vella, seconded by Councilmember Jensen, to approve the zucchini"
        + " garden lease. Motion carried 5-0.");

    ReconciliationReport report = reconcile();

    assertThat(report.restarted()).as("the pipeline of the completed site is started again").isEqualTo(1);
    awaitPipeline();
    assertThat(published()).contains(added.id());
    assertThat(search("zucchini")).containsExactly(added.id());
    assertThat(siteJson("documents")).isEqualTo(goodDocuments() + 1);
    assertInStep();
  }

  @Test
  @Order(2)
  void aPdfReplacedWithOtherContentIsOcredAgainAndRepublished() throws Exception {
    DocumentRef replaced = new DocumentRef(SITE, DocumentRef.MINUTES, SampleSites.CITY_COUNCIL, "2024-03-05");
    write(replaced, "Corrected minutes: the marmalade festival permit was tabled.");

    reconcile();
    awaitPipeline();

    assertThat(search("marmalade")).containsExactly(replaced.id());
    assertThat(search("zucchini")).as("the old text is not published any more").isEmpty();
    assertThat(pagesOf(replaced)).singleElement().satisfies(t -> assertThat(t).contains("marmalade"));
    assertInStep();
  }

  @Test
  @Order(3)
  void aRemovedPdfIsGoneFromTheDatabaseAndTheBundle() throws Exception {
    DocumentRef removed = new DocumentRef(SITE, DocumentRef.MINUTES, SampleSites.CITY_COUNCIL, "2024-03-05");
    int before = siteJson("documents");
    Files.delete(SampleSites.pdfPath(settings.storageDir(), removed));

    ReconciliationReport report = reconcile();

    assertThat(report.repaired()).isEqualTo(1);
    awaitPipeline();
    assertThat(count("SELECT count(*) FROM documents WHERE document_id = '" + removed.id() + "'")).isZero();
    assertThat(count("SELECT count(*) FROM pages WHERE document_id = '" + removed.id() + "'")).isZero();
    assertThat(count("SELECT count(*) FROM motions WHERE document_id = '" + removed.id() + "'")).isZero();
    assertThat(published()).doesNotContain(removed.id());
    assertThat(search("marmalade")).isEmpty();
    assertThat(siteJson("documents")).isEqualTo(before - 1);
    assertInStep();
  }

  @Test
  @Order(4)
  void aTruncatedPageFileAndADeletedLastPageFileAreOcredAgain() throws Exception {
    SampleDocument threePages = sample("minutes/CityCouncil/2024-02-06");
    SampleDocument twoPages = sample("minutes/CityCouncil/2024-01-16");
    Path lastPage = textDir(threePages).resolve("page-3.txt");
    Path firstPage = textDir(twoPages).resolve("page-1.txt");
    Files.delete(lastPage);
    Files.writeString(firstPage, "");

    ReconciliationReport report = reconcile();

    assertThat(report.repaired()).isEqualTo(1);
    awaitPipeline();
    assertThat(lastPage).exists();
    assertThat(Files.size(firstPage)).isPositive();
    assertThat(pagesOf(threePages.ref())).hasSize(3);
    assertInStep();
  }

  @Test
  @Order(5)
  void corruptedCountersOfACompletedSiteAreRepairedByTheScheduledRun() throws Exception {
    List<StageCounters> right = repository.site(SITE).counters();
    sql("UPDATE sites SET ocr_total = ocr_total + 3, ocr_completed = ocr_completed + 2, extraction_completed = 0"
        + " WHERE subdomain = '"
        + SITE + "'");

    // What the Schedule (here: the cron workflow's action) starts, run now.
    new ReconciliationSchedule(client, worker.settings()).trigger();

    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!repository.site(SITE).counters().equals(right) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(repository.site(SITE).counters()).isEqualTo(right);
    var run = worker.context().getBean(clerk.activities.db.ReconciliationRuns.class).last().orElseThrow();
    assertThat(run.trigger()).isEqualTo("schedule");
    assertThat(run.repaired()).isEqualTo(1);
    awaitQuiet();
    assertInStep();
  }

  @Test
  @Order(6)
  void aCorruptPdfReplacedByAGoodOneIsRetriedWithoutAnyone() throws Exception {
    SampleDocument corrupt = samples.stream().filter(SampleDocument::corrupt).findFirst().orElseThrow();
    assertThat(repository.failedDocuments(SITE)).extracting(SiteRepository.FailedDocument::documentId)
        .containsExactly(corrupt.ref().id());
    write(corrupt.ref(), "Special meeting: the rutabaga ordinance was adopted.");

    reconcile();
    awaitPipeline();

    assertThat(repository.failedDocuments(SITE)).isEmpty();
    assertThat(search("rutabaga")).containsExactly(corrupt.ref().id());
    SiteRow row = repository.site(SITE);
    assertThat(row.counters(Stage.OCR).failed()).isZero();
    assertThat(row.counters(Stage.DEPLOY).completed()).isEqualTo(row.counters(Stage.OCR).total());
  }

  @Test
  @Order(7)
  void aSiteWhoseDocumentsAllFailIsFailedNotCompletedAndIsNotLoopedOn() throws Exception {
    String other = "springfield.il.us";
    Path pdf = settings.storageDir().resolve(other).resolve("pdfs/CityCouncil/2024-01-16.pdf");
    Files.createDirectories(pdf.getParent());
    SamplePdfs.writeCorrupt(pdf, 7);
    repository.ensureSite(other, "Springfield, IL");

    ReconciliationReport report = reconcile();
    assertThat(report.restarted()).as("a registered site with a PDF needs no 'clerk start'").isEqualTo(1);
    client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(other)).getResult(2, TimeUnit.MINUTES, Object.class);

    SiteRow failed = repository.site(other);
    assertThat(failed.currentStage()).isEqualTo(Stage.FAILED);
    assertThat(failed.note()).startsWith("needs an operator: all 1 document(s) failed ocr");
    ReconciliationReport next = reconcile();
    assertThat(next.examined()).as("nothing changed: not examined, not restarted").isZero();
    assertThat(next.restarted()).isZero();

    // Health says so (clerk health: degraded), with the stray file found in its folder.
    Files.writeString(pdf.resolveSibling("notes.docx"), "not a PDF");
    reconcile();
    com.fasterxml.jackson.databind.JsonNode sites = health().path("components").path("sites").path("details");
    assertThat(sites.path("failed").asInt()).isEqualTo(1);
    assertThat(sites.path("failed_sites").toString()).contains(other);
    assertThat(sites.path("storage_problems").asInt()).isEqualTo(1);
    assertThat(sites.path("without_pipeline").asInt()).isZero();
    assertThat(repository.site(other).storageProblems()).singleElement()
        .satisfies(p -> assertThat(p).endsWith("notes.docx: not a .pdf file (skipped)"));
  }

  static com.fasterxml.jackson.databind.JsonNode health() throws Exception {
    int port = ((org.springframework.boot.web.server.context.WebServerApplicationContext) worker.context())
        .getWebServer().getPort();
    Thread.sleep(SiteHealth.REFRESH.toMillis()); // the snapshot is at most this old
    return JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/actuator/health"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
  }

  // ---- helpers

  static ReconciliationReport reconcile() {
    return reconciliations.run(ReconciliationRequest.scheduled(120));
  }

  /** Waits for the site's latest pipeline run to end. */
  static void awaitPipeline() throws Exception {
    client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(SITE)).getResult(3, TimeUnit.MINUTES, Object.class);
  }

  /** Waits until the site is completed and its pipeline is not running. */
  static void awaitQuiet() throws Exception {
    Pipelines pipelines = new Pipelines(client, settings.taskQueue());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while ((pipelines.isRunning(SITE) || repository.site(SITE).currentStage() != Stage.COMPLETED)
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  /** The site as one clean run leaves it: counters = documents = disk = bundle, nothing to examine. */
  static void assertInStep() throws Exception {
    SiteRow row = repository.site(SITE);
    assertThat(row.currentStage()).isEqualTo(Stage.COMPLETED);
    assertThat(repository.recountCounters(SITE)).isFalse();
    int documents = (int) count("SELECT count(*) FROM documents WHERE subdomain = '" + SITE + "'");
    int failed = repository.failedDocuments(SITE).size();
    assertThat(row.counters(Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, documents, documents - failed, failed));
    assertThat(row.counters(Stage.DEPLOY).completed()).isEqualTo(documents - failed);
    assertThat(siteJson("documents")).isEqualTo(documents - failed);
    assertThat(siteJson("pages")).isEqualTo(count("SELECT count(*) FROM pages WHERE subdomain = '" + SITE + "'"));
    try (var all = Files.walk(settings.storageDir().resolve(SITE))) {
      assertThat(all.filter(p -> p.getFileName().toString().endsWith(".partial"))).isEmpty();
    }
    ReconciliationReport again = reconcile();
    assertThat(again.examined()).as("in step: the next run finds nothing").isZero();
  }

  static void write(DocumentRef ref, String line) throws Exception {
    Path pdf = SampleSites.pdfPath(settings.storageDir(), ref);
    Files.createDirectories(pdf.getParent());
    SamplePdfs.write(pdf, List.of(new SamplePage(Style.DIGITAL, List.of("CITY COUNCIL MINUTES", line))), 1);
  }

  static SampleDocument sample(String id) {
    return samples.stream().filter(d -> d.ref().id().equals(id)).findFirst().orElseThrow();
  }

  static int goodDocuments() {
    return (int) samples.stream().filter(d -> !d.corrupt()).count();
  }

  static Path textDir(SampleDocument d) {
    return settings.storageDir().resolve(SITE).resolve(d.kind().equals("agendas") ? "_agendas/txt" : "txt")
        .resolve(d.meeting()).resolve(d.date());
  }

  static List<String> pagesOf(DocumentRef d) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = repository.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT text FROM pages WHERE subdomain = '" + SITE
            + "' AND document_id = '" + d.id() + "' ORDER BY page")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  /** Document ids of the published minutes and agendas in meetings.db. */
  static TreeSet<String> published() throws Exception {
    return bundleQuery("SELECT 'minutes/' || meeting || '/' || date FROM minutes"
        + " UNION SELECT 'agendas/' || meeting || '/' || date FROM agendas");
  }

  /** Document ids of the published pages the full-text index finds the word on. */
  static TreeSet<String> search(String word) throws Exception {
    return bundleQuery("SELECT 'minutes/' || m.meeting || '/' || m.date FROM minutes_fts f JOIN minutes m"
        + " ON m.rowid = f.rowid WHERE minutes_fts MATCH '" + word + "'");
  }

  static TreeSet<String> bundleQuery(String sql) throws Exception {
    Path db = settings.deployDir().resolve(SITE).resolve("meetings.db");
    TreeSet<String> out = new TreeSet<>();
    try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = sqlite.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  static int siteJson(String field) throws Exception {
    return JSON.readTree(settings.deployDir().resolve(SITE).resolve("site.json").toFile()).get(field).asInt();
  }

  static long count(String sql) throws Exception {
    return PipelineIntegrationTest.count(repository.dataSource(), sql);
  }

  static void sql(String statement) throws Exception {
    try (Connection c = repository.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
