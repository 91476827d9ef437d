package clerk.worker;

import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.activities.sample.SampleSites;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentRef;
import clerk.workflows.Pipelines;
import clerk.workflows.SitePipelineWorkflow;
import clerk.workflows.SitePipelineWorkflowImpl;
import clerk.workflows.Stage;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's PostgreSQL server (its own, by URL) goes down in the middle of OCR for longer than a
 * document's retries last, then comes back. The old system exited its worker on a database error and
 * failed the jobs; here the worker stays up, the document waits the outage out, and the site ends
 * exactly as one clean run leaves it.
 */
class DatabaseOutageIntegrationTest {
  static final String SITE = "alameda.ca.us";

  @TempDir Path home;

  @Test
  void anOutageLongerThanTheRetriesFailsNoDocumentAndTheWorkerStaysUp() throws Exception {
    Path data = home.resolve("pgdata");
    int port = TestWorkers.freePort();
    EmbeddedPostgres pg = postgres(data, port);
    ClerkWorkerApplication.Running worker = null;
    try {
      ClerkSettings settings = TestWorkers.embedded(home,
          "CLERK_DATABASE_URL", pg.getJdbcUrl("postgres", "postgres"),
          "CLERK_RECONCILE_INTERVAL", "off");
      List<SampleDocument> samples = new ArrayList<>(SampleSites.generate(settings.storageDir(), List.of(SITE)));
      // A 20-page scan: in flight for many seconds, long after the short documents are done.
      SampleDocument longScan = longScan(settings.storageDir());
      samples.add(longScan);
      worker = ClerkWorkerApplication.start(settings);
      SiteRepository repository = worker.context().getBean(SiteRepository.class);
      WorkflowClient client = worker.context().getBean(WorkflowClient.class);
      SiteStorage storage = new SiteStorage(settings.storageDir());

      repository.ensureSite(SITE, "Alameda, CA");
      assertThat(new Pipelines(client, settings.taskQueue()).start(SITE)).isTrue();
      awaitTrue("every other document through OCR, the long scan under way", Duration.ofMinutes(2), () -> {
        var ocr = repository.site(SITE).counters(Stage.OCR);
        return ocr.completed() + ocr.failed() == samples.size() - 1 && storage.hasPartialText(longScan.ref());
      });

      pg.close(); // the database goes away
      // The long scan finishes OCR, cannot record it, exhausts its retries and the pipeline pauses it.
      awaitTrue("the pipeline waiting the outage out", Duration.ofMinutes(2), () -> waits(client));
      assertThat(worker.context().isActive()).as("the worker is still up").isTrue();

      pg = postgres(data, port); // and comes back
      SiteFiles.awaitCompleted(repository, SITE, Duration.ofMinutes(3));

      SiteFiles.assertMatchesDisk(worker.settings(), repository, SITE, samples);
      assertThat(repository.failedDocuments(SITE)).extracting(SiteRepository.FailedDocument::documentId)
          .as("only the corrupt sample failed")
          .containsExactlyElementsOf(samples.stream().filter(SampleDocument::corrupt)
              .map(d -> d.ref().id()).toList());
    } finally {
      if (worker != null) {
        worker.close();
      }
      pg.close();
    }
  }

  /**
   * Whether a document batch of the site waits at the gate: a document failed Unavailable on every
   * attempt, and the batch's gate activity (retried by the server until the database is back) runs.
   */
  static boolean waits(WorkflowClient client) {
    var open = client.getWorkflowServiceStubs().blockingStub().listOpenWorkflowExecutions(
        io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace()).setMaximumPageSize(100).build());
    for (var execution : open.getExecutionsList()) {
      if (!execution.getExecution().getWorkflowId().startsWith(SitePipelineWorkflow.workflowId(SITE) + "/")) {
        continue;
      }
      boolean unavailable = false;
      for (HistoryEvent e : client.fetchHistory(execution.getExecution().getWorkflowId()).getEvents()) {
        if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
            && e.getActivityTaskFailedEventAttributes().getFailure().getApplicationFailureInfo().getType()
                .equals(SitePipelineWorkflowImpl.UNAVAILABLE)) {
          unavailable = true;
        }
        if (unavailable && e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("AwaitAvailable")) {
          return true;
        }
      }
    }
    return false;
  }

  static SampleDocument longScan(Path storageDir) throws Exception {
    List<String> lines = List.of("ITEM 4. PUBLIC HEARING", "Moved by Councilmember Daysog.");
    Path pdf = storageDir.resolve(SITE).resolve("pdfs").resolve("CityCouncil").resolve("2025-06-02.pdf");
    Files.createDirectories(pdf.getParent());
    SamplePdfs.write(pdf, IntStream.range(0, 20).mapToObj(i -> new SamplePage(Style.SCANNED, lines)).toList(), 11);
    return new SampleDocument(SITE, DocumentRef.MINUTES, "CityCouncil", "2025-06-02", pdf,
        IntStream.range(0, 20).mapToObj(i -> String.join("\n", lines)).toList(), false, 20, List.of());
  }

  static EmbeddedPostgres postgres(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void awaitTrue(String what, Duration timeout, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (check.holds()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within " + timeout + ": " + what);
  }
}
