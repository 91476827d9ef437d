package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.client.ClerkSettings;
import clerk.worker.ClerkWorkerApplication;
import clerk.workflows.DocumentRef;
import clerk.workflows.SitePipelineWorkflow;
import clerk.workflows.Stage;
import io.temporal.client.WorkflowClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands an operator uses on a living site, against a running worker (embedded PostgreSQL and
 * Temporal, found through CLERK_HOME/worker.json, as on a real host): retry, start --all,
 * reconcile-pipeline's exit codes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliWithWorkerTest {
  static final String SITE = "alameda.ca.us";
  static final DocumentRef FIRST = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-01-16");
  static final DocumentRef SECOND = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-02-06");

  @TempDir static Path home;
  static ClerkWorkerApplication.Running worker;
  static SiteRepository repository;
  static WorkflowClient client;

  @BeforeAll
  static void startWorker() throws Exception {
    ClerkSettings settings = workerSettings(home);
    for (DocumentRef d : List.of(FIRST, SECOND)) {
      write(settings.storageDir(), d, "Moved by Councilmember Vella to approve the " + d.date() + " item. Carried.");
    }
    worker = ClerkWorkerApplication.start(settings);
    repository = worker.context().getBean(SiteRepository.class);
    client = worker.context().getBean(WorkflowClient.class);
  }

  @AfterAll
  static void stopWorker() {
    stop(worker);
  }

  private static final List<String> WORKER_SETTINGS = List.of("CLERK_HOME", "CLERK_EMBEDDED_DATABASE_PORT",
      "CLERK_EMBEDDED_TEMPORAL_PORT", "CLERK_HTTP_PORT", "CLERK_RECONCILE_INTERVAL");

  /**
   * A worker's settings on {@code home}, ports of its own and no reconciliation schedule, set as system
   * properties so that the commands run in-process find the same ones.
   */
  static ClerkSettings workerSettings(Path home) throws Exception {
    System.setProperty("CLERK_HOME", home.toString());
    System.setProperty("CLERK_EMBEDDED_DATABASE_PORT", String.valueOf(freePort()));
    System.setProperty("CLERK_EMBEDDED_TEMPORAL_PORT", String.valueOf(freePort()));
    System.setProperty("CLERK_HTTP_PORT", "0");
    System.setProperty("CLERK_RECONCILE_INTERVAL", "off");
    return ClerkSettings.fromEnvironment();
  }

  /** Stops the worker (if it started) and clears what {@link #workerSettings} set. */
  static void stop(ClerkWorkerApplication.Running worker) {
    if (worker != null) {
      worker.close();
    }
    WORKER_SETTINGS.forEach(System::clearProperty);
  }

  record Run(int exit, String out, String err) {}

  static Run clerk(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      return new Run(ClerkCli.execute(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  @Order(1)
  void startAllStartsASiteWithWorkAndLeavesACompletedUnchangedOneAlone() throws Exception {
    repository.ensureSite(SITE, "Alameda, CA");
    Run started = clerk("start", "--all");
    assertThat(started.exit()).isZero();
    assertThat(started.out()).contains("started  " + SITE);
    awaitPipeline();
    assertThat(repository.site(SITE).currentStage()).isEqualTo(Stage.COMPLETED);
    // Compared once (as every reconciliation does): then a completed site with nothing new has no work.
    assertThat(clerk("reconcile-pipeline").exit()).isZero();

    Run again = clerk("start", "--all");
    assertThat(again.out()).contains("no sites to start").contains("1 site has no work");

    write(worker.settings().storageDir(), new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-03-05"),
        "A new meeting.");
    Run changed = clerk("start", "--all");
    assertThat(changed.out()).as("completed, but a new PDF on disk").contains("started  " + SITE);
    awaitPipeline();
    assertThat(repository.site(SITE).counters(Stage.DEPLOY).completed()).isEqualTo(3);
  }

  @Test
  @Order(2)
  void retrySendsAFailedDocumentBackAndItCompletes() throws Exception {
    // Failed compilation for a passing reason (a timeout on every attempt, say); the PDF is fine.
    repository.siteTransaction(SITE, c -> {
      try (var s = c.prepareStatement("UPDATE documents SET compilation_status = 'failed',"
          + " extraction_status = 'pending', deploy_status = 'pending', error_stage = 'compilation',"
          + " error = 'timed out (start_to_close) on every attempt' WHERE subdomain = ? AND document_id = ?")) {
        s.setString(1, SITE);
        s.setString(2, FIRST.id());
        s.executeUpdate();
      }
      return null;
    });
    assertThat(repository.failedDocuments(SITE)).singleElement()
        .satisfies(f -> assertThat(f.documentId()).isEqualTo(FIRST.id()));

    Run unknown = clerk("retry", SITE, "--document", "minutes/CityCouncil/1999-01-01");
    assertThat(unknown.exit()).isEqualTo(4);
    assertThat(unknown.err()).contains("no failed document minutes/CityCouncil/1999-01-01");

    Run retried = clerk("retry", SITE, "--document", FIRST.id());
    assertThat(retried.exit()).isZero();
    assertThat(retried.out()).contains("retried  " + SITE + "  1 failed document, pipeline ");
    awaitPipeline();
    assertThat(repository.failedDocuments(SITE)).isEmpty();
    assertThat(repository.site(SITE).currentStage()).isEqualTo(Stage.COMPLETED);
    assertThat(repository.site(SITE).counters(Stage.DEPLOY).completed()).isEqualTo(3);
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  @Order(3)
  void reconcilePipelineRefusesAnUnknownSiteInOneLineAndRunsNothing() throws Exception {
    Run typo = clerk("reconcile-pipeline", "--site", "nope.example.org");
    assertThat(typo.exit()).isEqualTo(4);
    assertThat(typo.err().strip()).isEqualTo(
        "clerk: unknown site nope.example.org: add it with 'clerk sites add nope.example.org'");
    Run ok = clerk("reconcile-pipeline", "--site", SITE);
    assertThat(ok.exit()).as("no lease left behind by the typo").isZero();
    assertThat(ok.out()).contains(SITE + ": completed, nothing to do");
    assertThat(clerk("reconcile-pipeline", "--threshold-hours", "NaN").exit()).isEqualTo(4);
    assertThat(clerk("reconcile-pipeline", "--threshold-hours", "1e9").exit()).isEqualTo(4);
  }

  @Test
  @Order(4)
  void searchFindsThePublishedPagesOfEverySiteWithLinksIntoTheBundle() throws Exception {
    Run found = clerk("search", "approve item");
    assertThat(found.exit()).isZero();
    assertThat(found.out()).contains("approve item: 1–2 of 2", SITE + "  minutes/CityCouncil/2024-01-16 page 1",
        SITE + "  minutes/CityCouncil/2024-02-06 page 1", "[approve]",
        "http://" + SITE + ".localhost:8001/meetings/minutes/");

    Run json = clerk("search", "approve", "--site", SITE, "--from", "2024-02-01", "--json");
    assertThat(json.exit()).isZero();
    var r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
    assertThat(r.get("total").asInt()).isEqualTo(1);
    assertThat(r.get("hits").get(0).get("date").asText()).isEqualTo("2024-02-06");

    assertThat(clerk("search", "zeppelin").out()).contains("no published page matches zeppelin");
    assertThat(clerk("search", "approve", "--site", "Not_A_Site").exit()).isEqualTo(4);
    assertThat(clerk("search", "approve", "--from", "2024-02-30").exit()).isEqualTo(4);
  }

  @Test
  @Order(5)
  void buildFullDbWritesEverySitesPagesIntoOneDatasetteReadyFileAndOnlyChangesAfterwards() throws Exception {
    Path file = home.resolve("full").resolve("meetings.db");
    Run built = clerk("build-full-db", "--output", file.toString());
    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(built.out()).contains(file + ": 3 documents, 3 pages");
    assertThat(file).isSymbolicLink();
    assertThat(file.resolveSibling("metadata.json")).isRegularFile();
    try (var sqlite = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        var rows = sqlite.createStatement().executeQuery("SELECT count(*), min(subdomain), min(municipality)"
            + " FROM minutes WHERE rowid IN (SELECT rowid FROM minutes_fts WHERE minutes_fts MATCH 'approve')")) {
      assertThat(rows.getInt(1)).isEqualTo(2);
      assertThat(rows.getString(2)).isEqualTo(SITE);
      assertThat(rows.getString(3)).isEqualTo("Alameda, CA");
    }
    assertThat(clerk("build-full-db", "--output", file.toString()).out()).contains("(0 documents written, 0 removed)");

    // The site's own bundle, as the pipeline deployed it: switched by a link, readable by the web server's group.
    Path bundle = worker.settings().deployDir().resolve(SITE);
    assertThat(bundle.resolve("meetings.db")).isSymbolicLink();
    assertThat(Files.readAttributes(bundle.resolve("site.json"), java.nio.file.attribute.PosixFileAttributes.class)
        .group().getName()).isEqualTo("www-data");
  }

  static void awaitPipeline() throws Exception {
    client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(SITE)).getResult(3, TimeUnit.MINUTES, Object.class);
  }

  static void write(Path storage, DocumentRef d, String line) throws Exception {
    Path pdf = storage.resolve(d.subdomain()).resolve("pdfs").resolve(d.meeting()).resolve(d.date() + ".pdf");
    Files.createDirectories(pdf.getParent());
    SamplePdfs.write(pdf, List.of(new SamplePage(Style.DIGITAL, List.of("CITY COUNCIL MINUTES", line))), 5);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
