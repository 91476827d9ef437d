package clerk.worker;

import clerk.client.Reconciliations;
import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SampleSites;
import clerk.workflows.Pipelines;
import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.SitePipelineWorkflow;
import clerk.workflows.SiteReconciliation;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconciliation against faults, with the real parts: embedded PostgreSQL, the Temporal test server
 * on a port, Tesseract. The tests share one worker and one site and run in order: the site is
 * terminated mid-OCR, then its completed state is corrupted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconciliationIntegrationTest {
  static final String SITE = "berkeley.ca.us";

  @TempDir static Path home;
  static ClerkWorkerApplication.Running worker;
  static List<SampleDocument> samples;
  static SiteRepository repository;
  static WorkflowClient client;
  static Reconciliations reconciliations;

  @BeforeAll
  static void startWorker() throws Exception {
    ClerkSettings settings = TestWorkers.embedded(home, "CLERK_RECONCILE_INTERVAL", "off");
    samples = SampleSites.generate(settings.storageDir(), List.of(SITE));
    worker = ClerkWorkerApplication.start(settings);
    repository = worker.context().getBean(SiteRepository.class);
    client = worker.context().getBean(WorkflowClient.class);
    reconciliations = new Reconciliations(client, worker.settings());
    repository.ensureSite(SITE, "Berkeley, CA");
  }

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  @Order(5)
  void theCliCanTellWhetherAWorkerPolls() {
    // The Java test server cannot describe task queues (null); a real server says true here.
    assertThat(reconciliations.workerPolling()).isNotEqualTo(Boolean.FALSE);
  }

  static ReconciliationReport reconcile(int thresholdMinutes, boolean dryRun) {
    return reconciliations.run(new ReconciliationRequest("cli", thresholdMinutes, dryRun, null));
  }

  @Test
  @Order(1)
  void aTerminatedPipelineIsStartedAgainAndTheSiteCompletes() throws Exception {
    Pipelines pipelines = worker.context().getBean(Pipelines.class);
    assertThat(pipelines.start(SITE)).isTrue();
    SiteFiles.awaitOcrCompleted(repository, SITE, 1, Duration.ofMinutes(2));
    client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(SITE)).terminate("test: operator mistake");
    assertThat(pipelines.isRunning(SITE)).isFalse();

    // Fresh (well within the 2 h threshold), but its pipeline is gone: that is stuck too.
    ReconciliationReport report = reconcile(120, false);

    assertThat(report.status()).isEqualTo("success");
    assertThat(sites(report)).singleElement().satisfies(s -> {
      assertThat(s.subdomain()).isEqualTo(SITE);
      assertThat(s.reason()).contains("pipeline not running");
      assertThat(s.action()).isEqualTo(SiteReconciliation.Action.RESTARTED.label());
    });
    assertThat(report.restarted()).isEqualTo(1);
    SiteFiles.awaitCompleted(repository, SITE, Duration.ofMinutes(3));
    // The batches the terminated run left behind run to their end (they may read a document the new
    // run reads too: the same text, recorded twice); the tests after this one need a quiet site.
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (openBatches() > 0) {
      assertThat(System.nanoTime()).as("the abandoned batches end").isLessThan(deadline);
      Thread.sleep(200);
    }
    SiteFiles.assertMatchesDisk(worker.settings(), repository, SITE, samples);
  }

  private static int openBatches() {
    return client.getWorkflowServiceStubs().blockingStub().listOpenWorkflowExecutions(
        io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setTypeFilter(io.temporal.api.filter.v1.WorkflowTypeFilter.newBuilder().setName("DocumentBatch"))
            .build()).getExecutionsCount();
  }

  @Test
  @Order(2)
  void corruptedCountersAreRepairedByOneRunAndADryRunChangesNothing() throws Exception {
    SiteRow done = repository.site(SITE);
    assertThat(done.currentStage()).isEqualTo(Stage.COMPLETED);
    // Too high, too low, a wrong stage, and no progress for three hours.
    sql("UPDATE sites SET ocr_total = ocr_total + 5, ocr_completed = ocr_completed + 5,"
        + " compilation_completed = 0, extraction_failed = 1, extraction_completed = 0,"
        + " current_stage = 'extraction', updated_at = now() - interval '3 hours'"
        + " WHERE subdomain = '" + SITE + "'");
    List<String> corrupted = snapshot();

    ReconciliationReport dry = reconcile(120, true);
    assertThat(snapshot()).as("a dry run writes nothing but its report").isEqualTo(corrupted);
    assertThat(sites(dry)).singleElement().satisfies(s -> {
      assertThat(s.reason()).contains("counters differ from the documents").contains("no progress for 3h");
      assertThat(s.repairs()).contains("current_stage: extraction → completed");
      assertThat(s.action()).isEqualTo(SiteReconciliation.Action.COMPLETED.label());
    });

    ReconciliationReport report = reconcile(120, false);
    assertThat(report.repaired()).isEqualTo(1);
    assertThat(sites(report).get(0).repairs()).isEqualTo(sites(dry).get(0).repairs());
    assertThat(sites(report).get(0).after()).isEqualTo(done.counters());
    SiteRow repaired = repository.site(SITE);
    assertThat(repaired.counters()).isEqualTo(done.counters());
    assertThat(repaired.currentStage()).isEqualTo(Stage.COMPLETED);
    assertThat(repository.recountCounters(SITE)).isFalse();
    SiteFiles.assertMatchesDisk(worker.settings(), repository, SITE, samples);

    // Recorded, with the per-site details.
    try (Connection c = repository.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT status, sites_scanned, sites_examined, sites_repaired"
            + " FROM reconciliation_runs WHERE id = " + report.runId())) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("success");
      assertThat(r.getInt(2)).isEqualTo(1);
      assertThat(r.getInt(3)).isEqualTo(1);
      assertThat(r.getInt(4)).isEqualTo(1);
    }
    ReconciliationReport again = reconcile(120, false);
    assertThat(again.scanned()).isEqualTo(1);
    assertThat(again.examined()).as("in step: nothing to examine").isZero();
  }

  @Test
  @Order(3)
  void twoReconciliationsAtOnceDoNotBothAct() throws Exception {
    for (int round = 0; round < 3; round++) {
      sql("UPDATE sites SET current_stage = 'ocr', updated_at = now() - interval '3 hours'"
          + " WHERE subdomain = '" + SITE + "'");
      CompletableFuture<ReconciliationReport> a = CompletableFuture.supplyAsync(() -> reconcile(120, false));
      CompletableFuture<ReconciliationReport> b = CompletableFuture.supplyAsync(() -> reconcile(120, false));
      List<ReconciliationReport> both = List.of(a.get(), b.get());
      // Either one was skipped while the other acted, or they ran one after the other and only the
      // first found the site stuck: never two runs repairing the same site.
      long repairedIt = both.stream().filter(r -> r.repaired() > 0).count();
      assertThat(repairedIt).as(both.toString()).isEqualTo(1);
      both.stream().filter(r -> r.status().equals("skipped"))
          .forEach(r -> assertThat(r.errors().get(0)).contains("is acting"));
      assertThat(repository.site(SITE).currentStage()).isEqualTo(Stage.COMPLETED);
    }
    try (Connection c = repository.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM reconciliation_runs a JOIN reconciliation_runs b"
            + " ON a.id < b.id AND a.started_at < b.finished_at AND b.started_at < a.finished_at")) {
      r.next();
      assertThat(r.getInt(1)).as("recorded runs never overlap").isZero();
    }
  }

  @Test
  @Order(4)
  void theWorkerReportsTheLastRunAndItsHealth() throws Exception {
    int port = ((org.springframework.boot.web.server.context.WebServerApplicationContext) worker.context())
        .getWebServer().getPort();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    com.fasterxml.jackson.databind.JsonNode status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/v1/reconciliation/status")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    assertThat(status.get("status").asText()).isEqualTo("success");
    assertThat(status.get("timestamp").asText()).isNotEmpty();
    assertThat(status.get("results").get("trigger").asText()).isEqualTo("cli");
    assertThat(status.get("results").has("repaired")).isTrue();
    assertThat(status.get("results").get("dry_run").asBoolean()).isFalse();
    assertThat(status.get("errors").isArray()).isTrue();
    assertThat(status.get("uptime").asLong()).isPositive();

    String health = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    com.fasterxml.jackson.databind.JsonNode components =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(health).get("components");
    assertThat(components.get("db").get("status").asText()).isEqualTo("UP");
    assertThat(components.get("temporal").get("status").asText()).isEqualTo("UP");
    assertThat(components.get("reconciliation").get("status").asText()).isEqualTo("UP");
    assertThat(components.get("sites").get("details").get("stuck").asInt()).isZero();
    assertThat(components.get("sites").get("details").get("by_stage").get("completed").asInt()).isEqualTo(1);

    // The SDK's metrics scope reports to Micrometer every few seconds: wait for its first report.
    String metrics = "";
    for (long deadline = System.nanoTime() + 60_000_000_000L; System.nanoTime() < deadline; Thread.sleep(500)) {
      metrics = http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      if (metrics.contains("clerk_documents_processed_total") && metrics.contains("clerk_ocr_page_seconds")
          && metrics.contains("clerk_reconciliation_runs_total")) {
        break;
      }
    }
    assertThat(metrics).contains("clerk_sites{stage=\"completed\"} 1.0")
        .contains("clerk_stuck_sites{stage=\"ocr\"} 0.0")
        .containsPattern("clerk_documents_processed_total\\{[^}]*outcome=\"completed\"[^}]*stage=\"ocr\"")
        .containsPattern("clerk_reconciliation_runs_total\\{[^}]*status=\"success\"")
        .containsPattern("clerk_ocr_page_seconds_bucket\\{[^}]*method=\"tesseract\"")
        .containsPattern("clerk_ocr_page_seconds_bucket\\{[^}]*method=\"text_layer\"");
    // Every metric the Grafana dashboard in deploy/ plots exists under that name.
    String dashboard = java.nio.file.Files.readString(
        java.nio.file.Path.of("..", "deploy", "grafana", "clerk-dashboard.json"));
    java.util.regex.Matcher names =
        java.util.regex.Pattern.compile("\\b(?:clerk|temporal)_[a-z_]+").matcher(dashboard);
    java.util.Set<String> exported = new java.util.TreeSet<>();
    for (String line : metrics.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        exported.add(line.split("[{ ]")[0]);
      }
    }
    // The SDK's counters of failures appear with the first one (a bad document is benign, not one):
    // those need only be the SDK's names.
    java.util.Set<String> sdkCounters = new java.util.TreeSet<>();
    for (java.lang.reflect.Field f : io.temporal.worker.MetricsType.class.getFields()) {
      if (f.getType() == String.class) {
        sdkCounters.add(f.get(null) + "_total");
      }
    }
    while (names.find()) {
      String name = names.group();
      assertThat(exported.contains(name) || name.contains("failed") && sdkCounters.contains(name))
          .as("metric %s used by deploy/grafana/clerk-dashboard.json is exported", name).isTrue();
    }
  }

  static List<SiteReconciliation> sites(ReconciliationReport report) {
    return new clerk.activities.db.ReconciliationRuns(repository.dataSource()).sites(report.runId(), 0, 1000);
  }

  static void sql(String statement) throws Exception {
    try (Connection c = repository.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  static List<String> snapshot() throws Exception {
    return SiteFiles.snapshot(repository.dataSource());
  }

  static StageCounters ocr(SiteRow row) {
    return row.counters(Stage.OCR);
  }
}
