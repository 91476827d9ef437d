package clerk.worker;

import clerk.client.ReconciliationSchedule;
import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.sample.TextDistance;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.workflows.Pipelines;
import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SampleSites;
import clerk.workflows.SitePipelineWorkflow;
import clerk.workflows.SiteResult;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated site through all four stages with the real parts: an embedded PostgreSQL server, the
 * Temporal test server on a port (no time skipping), Tesseract. Files, counters and tables exactly.
 */
class PipelineIntegrationTest {
  static final String SITE = "alameda.ca.us";

  @TempDir static Path home;
  static ClerkWorkerApplication.Running worker;
  static List<SampleDocument> samples;
  static ClerkSettings settings;

  @BeforeAll
  static void startWorker() throws IOException {
    settings = TestWorkers.embedded(home);
    samples = SampleSites.generate(settings.storageDir(), List.of(SITE));
    worker = ClerkWorkerApplication.start(settings);
  }

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }


  SiteResult runPipeline(Pipelines pipelines, WorkflowClient client) throws Exception {
    assertThat(pipelines.start(SITE)).isTrue();
    assertThat(pipelines.start(SITE)).as("a running site is not started twice").isFalse();
    return client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(SITE))
        .getResult(5, TimeUnit.MINUTES, SiteResult.class);
  }

  @Test
  void onTheEmbeddedServerReconciliationRunsAsACronWorkflow() {
    WorkflowClient client = worker.context().getBean(WorkflowClient.class);
    assertThat(new ReconciliationSchedule(client, worker.settings()).mode())
        .isEqualTo(ReconciliationSchedule.Mode.CRON);
    assertThat(new ReconciliationSchedule(client, worker.settings()).show())
        .contains("state:      active", "cron:       */15 * * * * (every 15m)");
  }

  @Test
  void aSiteGoesThroughAllFourStages() throws Exception {
    SiteRepository repository = worker.context().getBean(SiteRepository.class);
    WorkflowClient client = worker.context().getBean(WorkflowClient.class);
    Pipelines pipelines = new Pipelines(client, settings.taskQueue());
    repository.ensureSite(SITE, "Alameda, CA");

    List<SampleDocument> good = samples.stream().filter(d -> !d.corrupt()).toList();
    int documents = samples.size();
    int bad = documents - good.size();
    int pages = good.stream().mapToInt(d -> d.pageTexts().size()).sum();
    assertThat(bad).as("the sample site has a corrupt PDF").isEqualTo(1);

    SiteResult result = runPipeline(pipelines, client);

    // Files: every good document has its text folder with exactly its pages; no partial folders.
    Path site = settings.storageDir().resolve(SITE);
    for (SampleDocument d : good) {
      Path dir = site.resolve(d.kind().equals("agendas") ? "_agendas/txt" : "txt")
          .resolve(d.meeting()).resolve(d.date());
      for (int p = 1; p <= d.pageTexts().size(); p++) {
        assertThat(dir.resolve("page-" + p + ".txt")).exists();
      }
      assertThat(dir.resolve("page-" + (d.pageTexts().size() + 1) + ".txt")).doesNotExist();
      // The text is what the page says: exact for text layers, within OCR error for scans.
      for (int p = 1; p <= d.pageTexts().size(); p++) {
        String text = Files.readString(dir.resolve("page-" + p + ".txt"));
        assertThat(TextDistance.cer(d.pageTexts().get(p - 1), text)).as(dir + " page " + p)
            .isLessThan(0.05);
      }
    }
    try (Stream<Path> all = Files.walk(site)) {
      assertThat(all.filter(p -> p.getFileName().toString().endsWith(".partial"))).isEmpty();
    }

    // Counters: document-level, exact.
    assertThat(result.stages()).containsExactly(
        new StageCounters(Stage.OCR, documents, good.size(), bad),
        new StageCounters(Stage.COMPILATION, good.size(), good.size(), 0),
        new StageCounters(Stage.EXTRACTION, good.size(), good.size(), 0),
        new StageCounters(Stage.DEPLOY, good.size(), good.size(), 0));
    SiteRow row = repository.site(SITE);
    assertThat(row.currentStage()).isEqualTo(Stage.COMPLETED);
    assertThat(row.counters()).isEqualTo(result.stages());
    assertThat(row.coordinatorEnqueued()).isFalse();
    assertThat(repository.recountCounters(SITE)).isFalse();
    assertThat(repository.failedDocuments(SITE)).singleElement().satisfies(f -> {
      assertThat(f.stage()).isEqualTo("ocr");
      assertThat(f.error()).contains(".pdf");
    });

    // Tables.
    DataSource db = repository.dataSource();
    assertThat(count(db, "SELECT count(*) FROM pages WHERE subdomain = '" + SITE + "'")).isEqualTo(pages);
    assertThat(count(db, "SELECT count(*) FROM pages WHERE tsv @@ plainto_tsquery('english', 'motion')"))
        .isPositive();
    long motions = count(db, "SELECT count(*) FROM motions WHERE subdomain = '" + SITE + "'");
    assertThat(motions).isPositive();

    // Deploy bundle.
    Path bundle = settings.deployDir().resolve(SITE);
    assertThat(bundle.resolve("meetings.db")).exists();
    JsonNode summary = new ObjectMapper().readTree(bundle.resolve("site.json").toFile());
    assertThat(summary.get("pages").asInt()).isEqualTo(pages);
    try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + bundle.resolve("meetings.db"));
        Statement s = sqlite.createStatement()) {
      long minutes = good.stream().filter(d -> d.kind().equals("minutes"))
          .mapToLong(d -> d.pageTexts().size()).sum();
      assertThat(count(s, "SELECT count(*) FROM minutes")).isEqualTo(minutes);
      assertThat(count(s, "SELECT count(*) FROM agendas")).isEqualTo(pages - minutes);
      assertThat(count(s, "SELECT count(*) FROM minutes_fts WHERE minutes_fts MATCH 'seconded'")).isPositive();
    }

    // Readable in the Temporal UI and filterable by any client: summary, site and stage attributes.
    io.temporal.client.WorkflowExecutionDescription described =
        client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(SITE)).describe();
    assertThat(described.getStaticSummary()).contains(SITE);
    assertThat(described.getTypedSearchAttributes().get(clerk.workflows.ClerkSearchAttributes.SITE)).isEqualTo(SITE);
    assertThat(described.getTypedSearchAttributes().get(clerk.workflows.ClerkSearchAttributes.STAGE))
        .isEqualTo("completed");

    // A second run finds everything done: the same counters, no duplicate rows.
    SiteResult again = runPipeline(pipelines, client);
    assertThat(again.stages()).isEqualTo(result.stages());
    assertThat(count(db, "SELECT count(*) FROM pages WHERE subdomain = '" + SITE + "'")).isEqualTo(pages);
    assertThat(count(db, "SELECT count(*) FROM motions WHERE subdomain = '" + SITE + "'")).isEqualTo(motions);
  }

  static long count(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      return count(s, sql);
    }
  }

  static long count(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
