package clerk.worker;

import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.activities.sample.SampleSites;
import clerk.activities.storage.PageRanges;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentRef;
import clerk.workflows.OcrActivities;
import clerk.workflows.Pipelines;
import clerk.workflows.SitePipelineWorkflow;
import clerk.workflows.Stage;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingChildExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fairness across sites with the real parts (two OCR slots, Tesseract): a site of two born-digital
 * documents started while another site's 200-page scan is being OCRed in page ranges is done long
 * before that scan is. The scan never has more OCR tasks out than its site's limit
 * ({@code CLERK_SITE_OCR_AT_ONCE}): a production server's queue hands tasks out in order, so that
 * limit is all the small site can find ahead of it (the embedded server picks among waiting tasks of
 * one priority in no set order, which is why the limit is checked, not only the order of completion).
 */
class SiteFairnessIntegrationTest {
  static final String BIG = "bigscans.ca.us";
  static final String SMALL = "smalltown.ca.us";
  static final int SCANNED_PAGES = 200;

  @TempDir Path home;

  @Test
  void aSmallSiteStartedAfterABigScanCompletesBeforeMostOfTheScanIsRead() throws Exception {
    ClerkSettings settings = TestWorkers.embedded(home, "CLERK_OCR_SLOTS", "2", "CLERK_RECONCILE_INTERVAL", "off");
    DocumentRef scan = new DocumentRef(BIG, DocumentRef.AGENDAS, SampleSites.CITY_COUNCIL, "2024-05-07");
    List<SamplePage> pages = IntStream.rangeClosed(1, SCANNED_PAGES)
        .mapToObj(p -> new SamplePage(Style.SCANNED, List.of("Agenda packet page " + p,
            "Staff report on the street resurfacing program, item " + p + ".")))
        .toList();
    SamplePdfs.write(SampleSites.pdfPath(settings.storageDir(), scan), pages, 7);
    List<DocumentRef> small = List.of(
        new DocumentRef(SMALL, DocumentRef.MINUTES, SampleSites.CITY_COUNCIL, "2024-05-01"),
        new DocumentRef(SMALL, DocumentRef.MINUTES, SampleSites.CITY_COUNCIL, "2024-05-15"));
    for (DocumentRef d : small) {
      SamplePdfs.write(SampleSites.pdfPath(settings.storageDir(), d), List.of(new SamplePage(Style.DIGITAL,
          List.of("Minutes of the City Council", "The council approved the library hours."))), 3);
    }

    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      assertThat(worker.settings().siteOcrAtOnce()).isEqualTo(4);
      SiteRepository repository = worker.context().getBean(SiteRepository.class);
      WorkflowClient client = worker.context().getBean(WorkflowClient.class);
      Pipelines pipelines = worker.context().getBean(Pipelines.class);
      repository.ensureSite(BIG, "Big Scans, CA");
      repository.ensureSite(SMALL, "Smalltown, CA");
      PageRanges ranges = new SiteStorage(settings.storageDir()).ranges(scan);

      pipelines.start(BIG);
      // The scan was found long and its ranges are queued: the first one (pages 1-8) is written.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (!ranges.committed(1, OcrActivities.RANGE_PAGES) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(ranges.committed(1, OcrActivities.RANGE_PAGES)).as("the scan's first range").isTrue();

      pipelines.start(SMALL);
      // Meanwhile the scan never has more OCR tasks out than the site's limit: on a server that hands
      // out tasks in order (a production cluster's queue), the small site waits behind that many at most.
      int mostPending = 0;
      deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (pipelines.isRunning(SMALL) && System.nanoTime() < deadline) {
        mostPending = Math.max(mostPending, pendingOcr(client, BIG));
        Thread.sleep(100);
      }
      client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(SMALL)).getResult(1, TimeUnit.MINUTES, Object.class);
      assertThat(mostPending).as("the scan's OCR tasks out at once").isBetween(1, 4);

      assertThat(repository.site(SMALL).currentStage()).isEqualTo(Stage.COMPLETED);
      int done = committedRanges(ranges);
      int all = (SCANNED_PAGES + OcrActivities.RANGE_PAGES - 1) / OcrActivities.RANGE_PAGES;
      // Queued behind all the scan's ranges, the small site would finish after nearly all of them.
      assertThat(done).as("ranges of the scan read when the small site was done, of " + all)
          .isLessThanOrEqualTo(all / 2);
      assertThat(repository.site(BIG).currentStage()).isEqualTo(Stage.OCR);
      assertThat(Files.isDirectory(ranges.dir())).isTrue();
    }
  }

  /** OCR activities scheduled or running for the site: those of its pipeline's document batches. */
  private static int pendingOcr(WorkflowClient client, String site) {
    int pending = 0;
    for (PendingChildExecutionInfo child : describe(client, SitePipelineWorkflow.workflowId(site)).getPendingChildrenList()) {
      pending += describe(client, child.getWorkflowId()).getPendingActivitiesList().stream()
          .filter(a -> a.getActivityType().getName().startsWith("Ocr"))
          .count();
    }
    return pending;
  }

  private static DescribeWorkflowExecutionResponse describe(WorkflowClient client, String workflowId) {
    return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build());
  }

  private static int committedRanges(PageRanges ranges) {
    List<Integer> firsts = new ArrayList<>();
    for (int first = 1; first <= SCANNED_PAGES; first += OcrActivities.RANGE_PAGES) {
      if (ranges.committed(first, Math.min(SCANNED_PAGES, first + OcrActivities.RANGE_PAGES - 1))) {
        firsts.add(first);
      }
    }
    return firsts.size();
  }
}
