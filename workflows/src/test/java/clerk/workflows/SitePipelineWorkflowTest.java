package clerk.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The site pipeline workflow alone, on the SDK's time-skipping test server, against {@link FakeSite}.
 * Latches only ever wait for the workflow to reach a point; no test asserts on wall-clock time.
 */
@Timeout(60)
class SitePipelineWorkflowTest {
  private static final String SITE = "alameda.ca.us";
  private static final List<Stage> ALL_STAGES =
      List.of(Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION, Stage.DEPLOY);

  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void startServer() {
    env = TestWorkflowEnvironment.newInstance();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stopServer() {
    env.close();
  }

  /** Registers the workflow and the fake on both task queues, the way the worker does. */
  private FakeSite site(int documents) {
    FakeSite site = new FakeSite(SITE, documents);
    Worker pipeline = env.newWorker(TaskQueues.PIPELINE);
    pipeline.registerWorkflowImplementationTypes(SitePipelineWorkflowImpl.class, DocumentBatchWorkflowImpl.class);
    pipeline.registerActivitiesImplementations(site);
    Worker ocr = env.newWorker(TaskQueues.OCR);
    ocr.registerActivitiesImplementations(site);
    env.start();
    return site;
  }

  private SitePipelineWorkflow workflow() {
    return client.newWorkflowStub(
        SitePipelineWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(TaskQueues.PIPELINE)
            .setWorkflowId(SitePipelineWorkflow.workflowId(SITE))
            .build());
  }

  private SiteResult run() {
    return workflow().run(PipelineInput.of(SITE));
  }

  private static StageCounters counters(Stage stage, int total, int completed, int failed) {
    return new StageCounters(stage, total, completed, failed);
  }

  @Test
  void everyDocumentGoesThroughEveryStageOnce() {
    FakeSite site = site(3);

    SiteResult result = run();

    assertThat(result.stages())
        .containsExactly(
            counters(Stage.OCR, 3, 3, 0),
            counters(Stage.COMPILATION, 3, 3, 0),
            counters(Stage.EXTRACTION, 3, 3, 0),
            counters(Stage.DEPLOY, 3, 3, 0));
    assertThat(result.note()).isEqualTo("3 documents, none failed");
    assertThat(site.stagesBegun()).containsExactlyElementsOf(ALL_STAGES);
    for (Stage stage : List.of(Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION)) {
      for (String id : site.documentIds()) {
        assertThat(site.successes(stage, id)).as("%s %s", stage, id).isEqualTo(1);
        assertThat(site.attempts(stage, id)).as("%s %s", stage, id).isEqualTo(1);
      }
    }
    assertThat(site.deploys()).isEqualTo(1);
    assertThat(site.siteNotes()).containsExactly("3 documents, none failed");
    // CPU-heavy OCR runs on its own queue, everything else on the pipeline queue.
    assertThat(site.taskQueue(Stage.OCR)).isEqualTo(TaskQueues.OCR);
    assertThat(site.taskQueue(Stage.COMPILATION)).isEqualTo(TaskQueues.PIPELINE);
    assertThat(site.taskQueue(Stage.DEPLOY)).isEqualTo(TaskQueues.PIPELINE);

    SiteProgress done =
        client.newWorkflowStub(SitePipelineWorkflow.class, SitePipelineWorkflow.workflowId(SITE))
            .progress();
    assertThat(done.stage()).isEqualTo(Stage.COMPLETED);
    assertThat(done.inFlight()).isEmpty();
  }

  @Test
  void badDocumentIsRecordedFailedWithItsReasonAndTheSiteCompletes() {
    FakeSite site = site(3);
    String bad = site.documentIds().get(1);
    String problem = bad + ".pdf: not a PDF (starts with <html>)";
    site.behave(
        (stage, document, attempt) -> {
          if (stage == Stage.OCR && document.id().equals(bad)) {
            throw ApplicationFailure.newNonRetryableFailure(
                problem, SitePipelineWorkflowImpl.BAD_DOCUMENT);
          }
        });

    SiteResult result = run();

    assertThat(site.attempts(Stage.OCR, bad)).as("bad input is not retried").isEqualTo(1);
    assertThat(site.statusOf(Stage.OCR, bad)).isEqualTo(FakeSite.Status.FAILED);
    assertThat(site.failureReason(Stage.OCR, bad)).isEqualTo(problem);
    assertThat(site.statusOf(Stage.COMPILATION, bad)).as("never entered").isNull();
    assertThat(result.stages())
        .containsExactly(
            counters(Stage.OCR, 3, 2, 1),
            counters(Stage.COMPILATION, 2, 2, 0),
            counters(Stage.EXTRACTION, 2, 2, 0),
            counters(Stage.DEPLOY, 2, 2, 0));
    assertThat(result.note()).isEqualTo("3 documents, 1 failed");
    assertThat(site.siteNotes()).containsExactly("3 documents, 1 failed");
  }

  @Test
  void bornDigitalDocumentsAreReadInOneActivityPerBatchAndOnlyScansGetOneEach() {
    FakeSite site = site(30);
    List<String> ids = site.documentIds();
    List<String> scans = List.of(ids.get(3), ids.get(17));
    String corrupt = ids.get(9);
    ids.stream().filter(id -> !scans.contains(id)).forEach(site.textLayers::add);
    site.behave((stage, document, attempt) -> {
      if (stage == Stage.OCR && document.id().equals(corrupt)) {
        throw ApplicationFailure.newNonRetryableFailure("not a PDF", SitePipelineWorkflowImpl.BAD_DOCUMENT);
      }
    });

    SiteResult result = run();

    assertThat(result.stages().get(0)).isEqualTo(counters(Stage.OCR, 30, 29, 1));
    assertThat(site.ocrDocumentCalls.get()).as("only the scans have an activity of their own").isEqualTo(2);
    assertThat(site.textLayerCalls.get()).as("one activity per OCR batch").isPositive().isLessThan(6);
    assertThat(site.failureReason(Stage.OCR, corrupt)).isEqualTo("not a PDF");
    assertThat(site.attempts(Stage.OCR, corrupt)).as("bad input is not retried one by one").isEqualTo(1);
    for (String id : ids) {
      if (!id.equals(corrupt)) {
        assertThat(site.successes(Stage.OCR, id)).as(id).isEqualTo(1);
      }
    }
    assertThat(result.stages().get(3)).isEqualTo(counters(Stage.DEPLOY, 29, 29, 0));
  }

  @Test
  void whenTheTextLayerActivityKeepsFailingEveryDocumentGetsItsOwn() {
    FakeSite site = site(5);
    site.documentIds().forEach(site.textLayers::add);
    site.textLayersBroken = true;

    SiteResult result = run();

    assertThat(result.stages().get(0)).isEqualTo(counters(Stage.OCR, 5, 5, 0));
    assertThat(site.ocrDocumentCalls.get()).isEqualTo(5);
    assertThat(site.textLayerCalls.get() % PipelineActivities.DOCUMENTS.getRetryOptions().getMaximumAttempts())
        .as("every batch's text-layer activity ran out of its attempts").isZero();
  }

  @Test
  void transientFailuresAreRetriedAndCountedOnce() {
    FakeSite site = site(3);
    String flaky = site.documentIds().get(0);
    site.behave(
        (stage, document, attempt) -> {
          if (stage == Stage.COMPILATION && document.id().equals(flaky) && attempt <= 2) {
            throw new IllegalStateException("database busy");
          }
        });

    SiteResult result = run();

    assertThat(site.attempts(Stage.COMPILATION, flaky)).isEqualTo(3);
    assertThat(site.successes(Stage.COMPILATION, flaky)).isEqualTo(1);
    assertThat(site.failureReason(Stage.COMPILATION, flaky)).isNull();
    assertThat(result.stages()).contains(counters(Stage.COMPILATION, 3, 3, 0));
    assertThat(result.stages().get(3)).isEqualTo(counters(Stage.DEPLOY, 3, 3, 0));
  }

  @Test
  void emptySiteCompletesWithANoteAndNoDocumentWork() {
    FakeSite site = site(0);

    SiteResult result = run();

    assertThat(result.stages()).isEmpty();
    assertThat(result.note()).isEqualTo("no documents: no PDFs under pdfs/ or _agendas/pdfs/");
    assertThat(site.siteNotes()).containsExactly(result.note());
    assertThat(site.ends()).containsExactly(Stage.COMPLETED);
    assertThat(site.pendingLimits()).isEmpty();
    assertThat(site.documentCalls()).isZero();
    // Deploy still runs: a site whose documents were all removed must publish that (nothing).
    assertThat(site.stagesBegun()).containsExactlyElementsOf(Stage.PIPELINE);
    assertThat(site.deploys()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 16})
  void ocrKeepsExactlyTheSitesLimitInFlight(int limit) {
    int documents = 40;
    FakeSite site = site(documents);
    AtomicInteger started = new AtomicInteger();
    // Each OCR waits until the workflow has filled every slot it may (but the last few, which cannot),
    // so the peak is what the workflow allows, not what the scheduler happened to overlap.
    site.behave(
        (stage, document, attempt) -> {
          if (stage != Stage.OCR) {
            return;
          }
          started.incrementAndGet();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (site.running.get() < limit && started.get() <= documents - limit && System.nanoTime() < deadline) {
            Thread.sleep(2);
          }
          Thread.sleep(20); // time for one more to start, were it allowed
        });

    SiteResult result = workflow().run(PipelineInput.of(SITE, limit));

    assertThat(site.maxRunning.get()).isEqualTo(limit);
    for (String id : site.documentIds()) {
      assertThat(site.attempts(Stage.OCR, id)).as(id).isEqualTo(1);
    }
    assertThat(result.stages().get(0)).isEqualTo(counters(Stage.OCR, documents, documents, 0));
    assertThat(result.stages().get(3)).isEqualTo(counters(Stage.DEPLOY, documents, documents, 0));
  }

  @Test
  void longDocumentsPageRangesCountAgainstTheSitesLimit() {
    int limit = 4;
    FakeSite site = site(3);
    site.documentIds().forEach(id -> site.longDocuments.put(id, 37)); // 5 ranges each
    AtomicInteger started = new AtomicInteger();
    site.behave((stage, document, firstPage) -> {
      if (stage == Stage.OCR) {
        started.incrementAndGet();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (site.running.get() < limit && started.get() < 15 && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
        Thread.sleep(20); // time for one more to start, were it allowed
      }
    });

    SiteResult result = workflow().run(PipelineInput.of(SITE, limit));

    assertThat(site.maxRunning.get()).as("ranges of 3 long documents, never more than the limit").isEqualTo(limit);
    site.documentIds().forEach(id -> assertThat(site.ranges.get(id)).containsExactlyInAnyOrder(1, 9, 17, 25, 33));
    assertThat(result.stages().get(0)).isEqualTo(counters(Stage.OCR, 3, 3, 0));
  }

  @Test
  void aLongDocumentsPagesAreOcredInRangesAtOnce() {
    FakeSite site = site(1);
    String only = site.documentIds().get(0);
    site.longDocuments.put(only, 37); // ranges 1-8, 9-16, 17-24, 25-32, 33-37
    // Each range waits until another range of the document runs too (or all have started): the peak
    // then shows what the workflow allows, not what the scheduler happened to overlap.
    AtomicInteger started = new AtomicInteger();
    // (The fake passes a range's first page as the attempt: range 1 runs alone, in the activity that
    // finds the document long.)
    site.behave((stage, document, firstPage) -> {
      if (stage == Stage.OCR && site.longDocuments.containsKey(document.id()) && firstPage > 1) {
        started.incrementAndGet();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (site.running.get() < 2 && started.get() < 4 && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
      }
    });

    SiteResult result = run();

    assertThat(site.ranges.get(only)).containsExactlyInAnyOrder(1, 9, 17, 25, 33);
    assertThat(site.maxRunning.get()).as("one document, several ranges at once").isGreaterThan(1);
    assertThat(result.stages().get(0)).isEqualTo(counters(Stage.OCR, 1, 1, 0));
    assertThat(result.stages().get(3)).isEqualTo(counters(Stage.DEPLOY, 1, 1, 0));
  }

  @Test
  void progressQueryShowsStageCountersAndDocumentsInFlight() throws Exception {
    FakeSite site = site(3);
    CountDownLatch allStarted = new CountDownLatch(3);
    CountDownLatch release = new CountDownLatch(1);
    site.behave(
        (stage, document, attempt) -> {
          if (stage == Stage.COMPILATION) {
            allStarted.countDown();
            release.await();
          }
        });
    SitePipelineWorkflow workflow = workflow();
    WorkflowClient.start(workflow::run, PipelineInput.of(SITE));

    try {
      assertThat(allStarted.await(20, TimeUnit.SECONDS)).isTrue();
      SiteProgress progress = workflow.progress();
      assertThat(progress.subdomain()).isEqualTo(SITE);
      assertThat(progress.stage()).isEqualTo(Stage.COMPILATION);
      assertThat(progress.counters()).isEqualTo(counters(Stage.COMPILATION, 3, 0, 0));
      assertThat(progress.inFlight()).containsExactlyInAnyOrderElementsOf(site.documentIds());
      assertThat(progress.note()).isEmpty();
    } finally {
      release.countDown();
    }

    SiteResult result = WorkflowStub.fromTyped(workflow).getResult(SiteResult.class);
    assertThat(result.stages()).hasSize(4);
    SiteProgress done = workflow.progress();
    assertThat(done.stage()).isEqualTo(Stage.COMPLETED);
    assertThat(done.counters()).isEqualTo(counters(Stage.DEPLOY, 3, 3, 0));
    assertThat(done.note()).isEqualTo("3 documents, none failed");
  }

  @Test
  void moreDocumentsThanOneBatchAreEachProcessedOnce() {
    int documents = 2 * SitePipelineWorkflowImpl.FETCH + 50;
    FakeSite site = site(documents);

    SiteResult result = run();

    for (Stage stage : List.of(Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION)) {
      assertThat(result.stages().get(stage.ordinal()))
          .isEqualTo(counters(stage, documents, documents, 0));
      for (String id : site.documentIds()) {
        assertThat(site.attempts(stage, id)).as("%s %s", stage, id).isEqualTo(1);
      }
    }
    // OCR: three full or partial pages and the empty one that ends the stage; compilation and
    // extraction fetch a window of larger batches at once: one page and the empty one.
    assertThat(site.pendingLimits()).containsExactly(
        SitePipelineWorkflowImpl.FETCH, SitePipelineWorkflowImpl.FETCH, SitePipelineWorkflowImpl.FETCH,
        SitePipelineWorkflowImpl.FETCH, SitePipelineWorkflowImpl.TEXT_FETCH, SitePipelineWorkflowImpl.TEXT_FETCH,
        SitePipelineWorkflowImpl.TEXT_FETCH, SitePipelineWorkflowImpl.TEXT_FETCH);
    assertThat(site.documentCalls()).isEqualTo(3 * documents);
    // Compilation and extraction went through batch activities (up to 250 documents each), not one
    // each: fewer than batches of at most 100 could have been.
    assertThat(site.batchCalls.get()).isPositive()
        .isLessThan(2 * documents / SitePipelineWorkflowImpl.BATCH_SIZE);
    assertThat(result.note()).isEqualTo(documents + " documents, none failed");
  }

  @Test
  void secondStartForARunningSiteIsRefused() throws Exception {
    FakeSite site = site(1);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    site.behave(
        (stage, document, attempt) -> {
          if (stage == Stage.OCR) {
            started.countDown();
            release.await();
          }
        });
    SitePipelineWorkflow first = workflow();
    WorkflowClient.start(first::run, PipelineInput.of(SITE));

    try {
      assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
      SitePipelineWorkflow second = workflow();
      assertThatThrownBy(() -> WorkflowClient.start(second::run, PipelineInput.of(SITE)))
          .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
    } finally {
      release.countDown();
    }

    SiteResult result = WorkflowStub.fromTyped(first).getResult(SiteResult.class);
    assertThat(result.note()).isEqualTo("1 document, none failed");
    assertThat(site.attempts(Stage.OCR, site.documentIds().get(0))).isEqualTo(1);
  }

  @Test
  void anOutageLongerThanTheRetriesFailsNoDocument() {
    FakeSite site = site(3);
    String waiting = site.documentIds().get(1);
    // The database is down for 6 attempts of OCR and 7 of the deploy: more than either's retries.
    site.behave(
        (stage, document, attempt) -> {
          if ((stage == Stage.OCR && document.id().equals(waiting) && attempt <= 6)
              || (stage == Stage.DEPLOY && attempt <= 7)) {
            throw ApplicationFailure.newFailure(
                "database unavailable: Connection refused", SitePipelineWorkflowImpl.UNAVAILABLE);
          }
        });

    SiteResult result = run();

    assertThat(site.attempts(Stage.OCR, waiting)).as("4 retries, the gate, then 3 more").isEqualTo(7);
    assertThat(site.gateCalls.get()).as("waited at the gate, not failed").isPositive();
    assertThat(site.statusOf(Stage.OCR, waiting)).isEqualTo(FakeSite.Status.COMPLETED);
    assertThat(site.failureReason(Stage.OCR, waiting)).isNull();
    assertThat(site.deploys()).isEqualTo(8);
    assertThat(result.stages()).allSatisfy(c -> assertThat(c.failed()).isZero());
    assertThat(result.note()).isEqualTo("3 documents, none failed");
  }

  @Test
  void aTwoDayOutageWithEveryDocumentInFlightFailsNothingAndKeepsEveryHistorySmall() {
    int documents = 3 * SitePipelineWorkflowImpl.MAX_IN_FLIGHT;
    FakeSite site = site(documents);
    // Down from the first document on, for 48 hours of (skipped) time.
    site.outage(env::currentTimeMillis, env.currentTimeMillis() + Duration.ofHours(48).toMillis());

    SiteResult result = run();

    assertThat(env.currentTimeMillis()).as("the outage was waited out")
        .isGreaterThan(Duration.ofHours(48).toMillis());
    assertThat(result.stages()).containsExactly(counters(Stage.OCR, documents, documents, 0),
        counters(Stage.COMPILATION, documents, documents, 0), counters(Stage.EXTRACTION, documents, documents, 0),
        counters(Stage.DEPLOY, documents, documents, 0));
    for (String id : site.documentIds()) {
      assertThat(site.failureReason(Stage.OCR, id)).as(id).isNull();
    }
    // Every run of every workflow (the pipeline and its document batches) stays far from the limit.
    var executions = env.getWorkflowClient().getWorkflowServiceStubs().blockingStub().listClosedWorkflowExecutions(
        io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest.newBuilder()
            .setNamespace(env.getNamespace()).setMaximumPageSize(1000).build()).getExecutionsList();
    assertThat(executions).hasSizeGreaterThan(4);
    for (var execution : executions) {
      int events = env.getWorkflowClient().fetchHistory(execution.getExecution().getWorkflowId(),
          execution.getExecution().getRunId()).getEvents().size();
      assertThat(events).as(execution.getExecution().getWorkflowId()).isLessThan(10_000);
    }
  }

  @Test
  void stageWhereEveryDocumentFailsStillFinishesAndEndsWithANote() {
    FakeSite site = site(3);
    // Not bad input: retried up to the limit, then failed with the last error's message.
    site.behave(
        (stage, document, attempt) -> {
          if (stage == Stage.COMPILATION) {
            throw new IllegalStateException("pages table locked");
          }
        });

    SiteResult result = run();

    StageCounters compilation = result.stages().get(1);
    assertThat(compilation).isEqualTo(counters(Stage.COMPILATION, 3, 0, 3));
    assertThat(compilation.completed() + compilation.failed()).isEqualTo(compilation.total());
    for (String id : site.documentIds()) {
      // Twice as part of its batch, then five times on its own.
      assertThat(site.attempts(Stage.COMPILATION, id)).isEqualTo(2 + 5);
      assertThat(site.failureReason(Stage.COMPILATION, id)).isEqualTo("pages table locked");
    }
    assertThat(site.stagesBegun()).containsExactlyElementsOf(Stage.PIPELINE);
    assertThat(result.stages()).hasSize(2);
    assertThat(result.note()).isEqualTo("3 documents, 3 failed");
    // Not "completed": every document failed a stage, an operator must look.
    assertThat(site.ends()).containsExactly(Stage.FAILED);
    assertThat(site.documentCalls()).as("nothing extracted").isEqualTo(3 + 3 * (2 + 5));
  }

  @Test
  void failedDeployFailsEveryDocumentOfTheDeployWithTheReason() {
    FakeSite site = site(2);
    site.behave(
        (stage, document, attempt) -> {
          if (stage == Stage.DEPLOY) {
            throw ApplicationFailure.newNonRetryableFailure(
                "deploy/alameda.ca.us: bundle larger than 2 GB", SitePipelineWorkflowImpl.BAD_DOCUMENT);
          }
        });

    SiteResult result = run();

    assertThat(site.deploys()).isEqualTo(1);
    assertThat(result.stages().get(3)).isEqualTo(counters(Stage.DEPLOY, 2, 0, 2));
    for (String id : site.documentIds()) {
      assertThat(site.failureReason(Stage.DEPLOY, id))
          .isEqualTo("deploy/alameda.ca.us: bundle larger than 2 GB");
    }
    assertThat(result.note()).isEqualTo("2 documents, 2 failed");
  }

  /** Holds the first attempt of one document in one stage until released. */
  static final class Hold {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);

    void awaitStarted() throws InterruptedException {
      assertThat(started.await(20, TimeUnit.SECONDS)).as("the held document started").isTrue();
    }

    void release() {
      released.countDown();
    }
  }

  static Hold hold(FakeSite site, Stage held, String documentId) {
    Hold hold = new Hold();
    site.behave(
        (stage, document, attempt) -> {
          if (stage == held && document.id().equals(documentId) && attempt == 1) {
            hold.started.countDown();
            hold.released.await();
          }
        });
    return hold;
  }

  @Test
  void reconcileSignalRedrivesPendingDocumentsButNotOnesInFlight() throws Exception {
    FakeSite site = site(3);
    List<String> ids = site.documentIds();
    String first = ids.get(0);
    String last = ids.get(2);
    Hold hold = hold(site, Stage.OCR, last);
    SitePipelineWorkflow workflow = workflow();
    WorkflowClient.start(workflow::run, PipelineInput.of(SITE));
    try {
      hold.awaitStarted();
      // The first document finished; its text vanished, and reconciliation sent it back to pending.
      while (site.statusOf(Stage.OCR, first) != FakeSite.Status.COMPLETED) {
        Thread.sleep(10);
      }
      site.reset(Stage.OCR, first);
      workflow.reconcile("reconciliation: text of " + first + " missing");
      while (site.successes(Stage.OCR, first) < 2) {
        Thread.sleep(10);
      }
      // Its batch reports to the pipeline just after the activity ends.
      for (long deadline = System.nanoTime() + 10_000_000_000L;
          workflow.progress().inFlight().size() > 1 && System.nanoTime() < deadline; ) {
        Thread.sleep(10);
      }
      assertThat(workflow.progress().lastReconciliation()).isEqualTo("reconciliation: text of " + first + " missing");
      assertThat(workflow.progress().inFlight()).containsExactly(last);
    } finally {
      hold.release();
    }

    SiteResult result = WorkflowStub.fromTyped(workflow).getResult(SiteResult.class);
    assertThat(result.stages().get(0)).isEqualTo(counters(Stage.OCR, 3, 3, 0));
    assertThat(site.attempts(Stage.OCR, last)).as("in flight: not started a second time").isEqualTo(1);
    assertThat(site.successes(Stage.OCR, first)).isEqualTo(2);
    assertThat(site.stagesBegun()).containsExactly(Stage.OCR, Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION,
        Stage.DEPLOY);
  }

  @Test
  void aStageIsNotLeftWhileDocumentsBehindTheCursorArePending() throws Exception {
    FakeSite site = site(3);
    List<String> ids = site.documentIds();
    String first = ids.get(0);
    String last = ids.get(2);
    site.behave(
        (stage, document, attempt) -> {
          if (stage == Stage.OCR && document.id().equals(last) && attempt == 1) {
            // Meanwhile the first document went back to pending (no signal this time).
            while (site.statusOf(Stage.OCR, first) != FakeSite.Status.COMPLETED) {
              Thread.sleep(10);
            }
            site.reset(Stage.OCR, first);
          }
        });

    SiteResult result = run();

    assertThat(result.stages().get(0)).isEqualTo(counters(Stage.OCR, 3, 3, 0));
    assertThat(site.successes(Stage.OCR, first)).isEqualTo(2);
    assertThat(result.stages().get(3)).isEqualTo(counters(Stage.DEPLOY, 3, 3, 0));
  }

  @Test
  void reconcileSignalInALaterStageGoesBackToTheStageThatHasWorkAgain() throws Exception {
    FakeSite site = site(3);
    List<String> ids = site.documentIds();
    String first = ids.get(0);
    String last = ids.get(2);
    Hold hold = hold(site, Stage.COMPILATION, last);
    SitePipelineWorkflow workflow = workflow();
    WorkflowClient.start(workflow::run, PipelineInput.of(SITE));
    try {
      hold.awaitStarted();
      while (site.statusOf(Stage.COMPILATION, first) != FakeSite.Status.COMPLETED) {
        Thread.sleep(10);
      }
      // Reconciliation found the first document's text gone: back to OCR, and so out of compilation.
      site.reset(Stage.OCR, first);
      site.reset(Stage.COMPILATION, first);
      workflow.reconcile("reconciliation: text of " + first + " missing");
    } finally {
      hold.release();
    }

    SiteResult result = WorkflowStub.fromTyped(workflow).getResult(SiteResult.class);
    assertThat(site.successes(Stage.OCR, first)).as(site.stagesBegun() + " " + result).isEqualTo(2);
    assertThat(site.successes(Stage.COMPILATION, first)).isEqualTo(2);
    assertThat(site.successes(Stage.COMPILATION, last)).isEqualTo(1);
    assertThat(site.stagesBegun()).containsSubsequence(Stage.COMPILATION, Stage.OCR, Stage.COMPILATION,
        Stage.EXTRACTION, Stage.DEPLOY);
    assertThat(result.stages().get(result.stages().size() - 1)).isEqualTo(counters(Stage.DEPLOY, 3, 3, 0));
  }

  @Test
  void aDocumentSentBackWhileInFlightIsNotCountedAndRunsTheStageAgainAfterTheEarlierOne()
      throws Exception {
    FakeSite site = site(3);
    String last = site.documentIds().get(2);
    Hold hold = hold(site, Stage.COMPILATION, last);
    SitePipelineWorkflow workflow = workflow();
    WorkflowClient.start(workflow::run, PipelineInput.of(SITE));
    try {
      hold.awaitStarted();
      // Reconciliation sends the document being compiled back to OCR; its compilation then ends
      // without marking anything (the activity sees OCR pending).
      site.reset(Stage.OCR, last);
      site.reset(Stage.COMPILATION, last);
      workflow.reconcile("reconciliation: text of " + last + " missing");
    } finally {
      hold.release();
    }

    SiteResult result = WorkflowStub.fromTyped(workflow).getResult(SiteResult.class);
    assertThat(site.successes(Stage.OCR, last)).isEqualTo(2);
    assertThat(site.attempts(Stage.COMPILATION, last)).isEqualTo(2);
    assertThat(site.successes(Stage.COMPILATION, last)).as("the superseded run marked nothing").isEqualTo(1);
    assertThat(result.stages()).extracting(StageCounters::stage)
        .containsExactly(Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION, Stage.DEPLOY);
    assertThat(result.stages()).allSatisfy(c -> assertThat(c.completed()).isEqualTo(3));
  }

  @Test
  void documentsSentBackJustBeforeTheSiteFinishesRunAgainBeforeItCompletes() {
    FakeSite site = site(3);
    String changed = site.documentIds().get(1);
    // Reconciliation found the PDF changed and committed before finishSite read the counters.
    site.onFinish((call, decided) -> {
      if (call == 1 && !decided) {
        site.sendBackToOcr(changed);
      }
    });

    SiteResult result = run();

    assertThat(site.successes(Stage.OCR, changed)).isEqualTo(2);
    assertThat(site.successes(Stage.EXTRACTION, changed)).isEqualTo(2);
    assertThat(site.ends()).containsExactly(Stage.COMPLETED);
    assertThat(site.deploys()).isEqualTo(2);
    assertThat(result.stages()).containsExactly(counters(Stage.OCR, 3, 3, 0),
        counters(Stage.COMPILATION, 3, 3, 0), counters(Stage.EXTRACTION, 3, 3, 0), counters(Stage.DEPLOY, 3, 3, 0));
  }

  @Test
  void aReconcileSignalThatArrivesWhileTheSiteFinishesIsActedOn() {
    FakeSite site = site(2);
    String changed = site.documentIds().get(0);
    // The site was marked completed; then reconciliation sent a document back and signalled.
    site.onFinish((call, decided) -> {
      if (call == 1 && decided) {
        site.sendBackToOcr(changed);
        client.newWorkflowStub(SitePipelineWorkflow.class, SitePipelineWorkflow.workflowId(SITE))
            .reconcile("reconciliation: PDF of " + changed + " changed");
      }
    });

    run();

    assertThat(site.successes(Stage.OCR, changed)).isEqualTo(2);
    assertThat(site.ends()).containsExactly(Stage.COMPLETED, Stage.COMPLETED);
    assertThat(site.counters(Stage.DEPLOY)).isEqualTo(counters(Stage.DEPLOY, 2, 2, 0));
  }

  @Test
  void aLongStageContinuesAsNewWithoutWaitingForItsRunningBatches() {
    int documents = 150;
    FakeSite site = site(documents);
    // Documents that take a moment, as real ones do: batches are still running when a run continues.
    site.behave((stage, document, attempt) -> Thread.sleep(20));

    SiteResult result = workflow().run(new PipelineInput(SITE, null, null, List.of(), List.of(), 60, 16));

    for (Stage stage : List.of(Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION)) {
      assertThat(result.stages().get(stage.ordinal())).isEqualTo(counters(stage, documents, documents, 0));
      for (String id : site.documentIds()) {
        assertThat(site.attempts(stage, id)).as("%s %s once", stage, id).isEqualTo(1);
      }
    }
    // Follow the chain of runs back from the last: some run adopted batches that the run before it
    // started and left running (reported by signal to the new run), instead of draining them.
    List<List<io.temporal.api.history.v1.HistoryEvent>> runs = new java.util.ArrayList<>();
    String runId = null;
    do {
      var history = runId == null ? client.fetchHistory(SitePipelineWorkflow.workflowId(SITE))
          : client.fetchHistory(SitePipelineWorkflow.workflowId(SITE), runId);
      runs.add(0, history.getEvents());
      runId = history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    } while (!runId.isEmpty());
    assertThat(runs).as("continued as new several times").hasSizeGreaterThan(2);
    long adopted = 0;
    for (int i = 1; i < runs.size(); i++) {
      java.util.Set<String> startedBefore = new java.util.HashSet<>();
      runs.get(i - 1).stream().filter(e -> e.hasChildWorkflowExecutionStartedEventAttributes())
          .forEach(e -> startedBefore.add(e.getChildWorkflowExecutionStartedEventAttributes()
              .getWorkflowExecution().getWorkflowId()));
      adopted += runs.get(i).stream().filter(e -> e.hasWorkflowExecutionSignaledEventAttributes()
              && e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("batchDone")
              && startedBefore.stream().anyMatch(id -> id.endsWith(batchId(e))))
          .count();
    }
    assertThat(adopted).as("batches reported to a later run than the one that started them").isPositive();
    assertThat(runs).allSatisfy(events -> assertThat(events).hasSizeLessThan(400));
  }

  /** The batch id a batchDone signal carries. */
  private static String batchId(io.temporal.api.history.v1.HistoryEvent signal) {
    String json = signal.getWorkflowExecutionSignaledEventAttributes().getInput().getPayloads(0).getData().toStringUtf8();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"batchId\":\"([^\"]+)\"").matcher(json);
    return m.find() ? m.group(1) : "?";
  }

  @Test
  void aBatchReportThatArrivesBeforeTheRunItWasHandedToStartsIsHeard() throws Exception {
    FakeSite site = site(4);
    List<String> held = site.documentIds().subList(0, 2);
    held.forEach(id -> site.complete(Stage.OCR, id)); // the batch's work
    String batch = SitePipelineWorkflow.workflowId(SITE) + "/ocr-early";
    io.temporal.client.WorkflowStub pipeline = client.newUntypedWorkflowStub("SitePipeline",
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.PIPELINE).setWorkflowId(SitePipelineWorkflow.workflowId(SITE))
            .build());

    // The report is in the run's first workflow task, before its workflow method runs.
    pipeline.signalWithStart("batchDone", new Object[] {new BatchResult("ocr-early", Stage.OCR, 2, 0, 0)},
        new Object[] {new PipelineInput(SITE, Stage.OCR, null, List.of(),
            List.of(new PipelineInput.BatchInFlight("ocr-early", batch, held)), null, 4)});
    SiteResult result = pipeline.getResult(20, java.util.concurrent.TimeUnit.SECONDS, SiteResult.class);

    assertThat(result.stages().get(0)).isEqualTo(counters(Stage.OCR, 4, 4, 0));
    held.forEach(id -> assertThat(site.attempts(Stage.OCR, id)).as(id).isZero());
  }

  @Test
  void aBatchWhoseReportWasLostIsNoticedWithoutAReconciliation() {
    FakeSite site = site(6);
    List<String> held = site.documentIds().subList(0, 2);
    // Adopted from an earlier run; it ended, but its batchDone signal never arrived.
    String lost = SitePipelineWorkflow.workflowId(SITE) + "/ocr-lost";
    site.endedWorkflows.add(lost);

    SiteResult result = workflow().run(new PipelineInput(SITE, Stage.OCR, null, List.of(),
        List.of(new PipelineInput.BatchInFlight("ocr-lost", lost, held)), null, 4));

    assertThat(result.stages()).containsExactly(counters(Stage.OCR, 6, 6, 0), counters(Stage.COMPILATION, 6, 6, 0),
        counters(Stage.EXTRACTION, 6, 6, 0), counters(Stage.DEPLOY, 6, 6, 0));
    held.forEach(id -> assertThat(site.successes(Stage.OCR, id)).as(id).isEqualTo(1));
  }

  @Test
  void aContinuedRunReportsTheStagesItsEarlierRunsFinished() {
    FakeSite site = site(3);
    // What a run that continued as new after OCR receives.
    StageCounters ocr = counters(Stage.OCR, 3, 3, 0);
    site.beginStage(SITE, Stage.OCR);
    site.documentIds().forEach(id -> site.complete(Stage.OCR, id));

    SiteResult result = workflow().run(new PipelineInput(SITE, Stage.COMPILATION, null, List.of(ocr)));

    assertThat(result.stages()).extracting(StageCounters::stage)
        .containsExactly(Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION, Stage.DEPLOY);
    assertThat(result.stages().get(0)).isEqualTo(ocr);
    assertThat(result.note()).isEqualTo("3 documents, none failed");
  }
}
