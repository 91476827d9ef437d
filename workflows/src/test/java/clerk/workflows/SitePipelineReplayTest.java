package clerk.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays a recorded history of the site pipeline, so a change to the workflow that would break
 * executions already running (commands in another order, a new activity) fails the build. Such a
 * change needs {@code Workflow.getVersion}; then record an extra history rather than replacing this one.
 *
 * <p>To re-record (only when the old history is truly obsolete):
 * {@code mvn -o test -pl workflows -Dtest=SitePipelineReplayTest -Dclerk.recordHistories=true}.
 */
class SitePipelineReplayTest {
  private static final String HISTORY = "histories/site-pipeline-3-documents.json";
  /** Since the reconcile signal and the ClerkStage search attribute (version 1 of that change). */
  private static final String SIGNALLED_HISTORY = "histories/site-pipeline-reconcile-signal.json";
  /** Since living sites: finishSite, and a reconcile signal during it that makes the run go round. */
  private static final String LIVING_HISTORY = "histories/site-pipeline-living-sites.json";
  /** A run that adopted the batches of the run before it and continued as new, leaving batches running. */
  private static final String CONTINUED_HISTORY = "histories/site-pipeline-continued-as-new.json";
  /** A pipeline under the site's OCR limit, and one of its OCR batches with a long document in ranges. */
  private static final String LIMITED_HISTORY = "histories/site-pipeline-ocr-limit.json";
  private static final String RANGES_BATCH_HISTORY = "histories/document-batch-ocr-ranges.json";
  private static final String TEXT_LAYERS_BATCH_HISTORY = "histories/document-batch-ocr-text-layers.json";
  /** Since larger batches (version 1 of "larger-batches": 100 documents a batch, 400 fetched at once). */
  private static final String LARGER_BATCHES_HISTORY = "histories/site-pipeline-larger-batches.json";
  /** Recorded after compilation and extraction took larger batches (version text-batches). */
  private static final String TEXT_BATCHES_HISTORY = "histories/site-pipeline-text-batches.json";
  /** Recorded after an OCR batch read its text layers in parts, an activity per slot (text-layers-in-parts). */
  private static final String TEXT_LAYER_PARTS_HISTORY = "histories/document-batch-ocr-text-layers-in-parts.json";
  private static final String SITE = "replay.example.us";

  @Test
  void recordedThreeDocumentRunReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(recorded(), SitePipelineWorkflowImpl.class);
  }

  @Test
  void recordedRunWithReconcileSignalAndSearchAttributesReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(read(SIGNALLED_HISTORY), SitePipelineWorkflowImpl.class);
  }

  @Test
  void recordedLivingSiteRunWithASignalDuringFinishReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(read(LIVING_HISTORY), SitePipelineWorkflowImpl.class);
  }

  @Test
  void recordedRunThatContinuedAsNewWithBatchesRunningReplays() throws Exception {
    replays(CONTINUED_HISTORY, SitePipelineWorkflowImpl.class, "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW",
        "batchDone");
  }

  @Test
  void recordedRunUnderTheSitesOcrLimitReplays() throws Exception {
    String history = read(LIMITED_HISTORY);
    assertThat(io.temporal.common.WorkflowExecutionHistory.fromJson(history).getEvents().get(0)
            .getWorkflowExecutionStartedEventAttributes().getInput().getPayloads(0).getData().toStringUtf8())
        .contains("\"ocrAtOnce\":4");
    WorkflowReplayer.replayWorkflowExecution(history, SitePipelineWorkflowImpl.class);
  }

  @Test
  void recordedBatchWithALongDocumentInRangesReplays() throws Exception {
    replays(RANGES_BATCH_HISTORY, DocumentBatchWorkflowImpl.class, "OcrPages", "CommitPages");
  }

  @Test
  void recordedBatchReadingTextLayersInOneActivityReplays() throws Exception {
    replays(TEXT_LAYERS_BATCH_HISTORY, DocumentBatchWorkflowImpl.class, "OcrDocuments", "\"OcrDocument\"");
  }

  @Test
  void recordedBatchReadingTextLayersInPartsReplays() throws Exception {
    String history = read(TEXT_LAYER_PARTS_HISTORY);
    List<io.temporal.api.history.v1.HistoryEvent> events = events(history);
    assertThat(changeIds(events)).contains("\"text-layers-in-parts\"");
    assertThat(events.stream().filter(e -> e.hasActivityTaskScheduledEventAttributes()
        && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("OcrDocuments")))
        .as("text-layer activities of the batch").hasSize(2);
    WorkflowReplayer.replayWorkflowExecution(history, DocumentBatchWorkflowImpl.class);
  }

  @Test
  void recordedRunWithLargerBatchesReplays() throws Exception {
    String history = read(LARGER_BATCHES_HISTORY);
    List<io.temporal.api.history.v1.HistoryEvent> events = events(history);
    assertThat(changeIds(events)).contains("\"larger-batches\"");
    assertThat(fetchSizes(events)).containsOnly(String.valueOf(SitePipelineWorkflowImpl.FETCH));
    WorkflowReplayer.replayWorkflowExecution(history, SitePipelineWorkflowImpl.class);
  }

  @Test
  void recordedRunWithLargerTextBatchesReplays() throws Exception {
    String history = read(TEXT_BATCHES_HISTORY);
    List<io.temporal.api.history.v1.HistoryEvent> events = events(history);
    assertThat(changeIds(events)).contains("\"text-batches\"");
    // OCR fetches as before; compilation and extraction fetch a window of larger batches.
    assertThat(fetchSizes(events))
        .containsOnly(String.valueOf(SitePipelineWorkflowImpl.FETCH), String.valueOf(SitePipelineWorkflowImpl.TEXT_FETCH))
        .contains(String.valueOf(SitePipelineWorkflowImpl.TEXT_FETCH));
    WorkflowReplayer.replayWorkflowExecution(history, SitePipelineWorkflowImpl.class);
  }

  private static List<io.temporal.api.history.v1.HistoryEvent> events(String history) {
    return io.temporal.common.WorkflowExecutionHistory.fromJson(history).getEvents();
  }

  /** Replays a recorded history, after checking it holds what makes it worth keeping. */
  private static void replays(String resource, Class<?> workflow, String... holds) throws Exception {
    String history = read(resource);
    assertThat(history).contains(holds);
    WorkflowReplayer.replayWorkflowExecution(history, workflow);
  }

  @Test
  void freshBatchReadingTextLayersReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(runTextLayers(), DocumentBatchWorkflowImpl.class);
  }

  @Test
  void freshRunUnderTheSitesOcrLimitReplays() throws Exception {
    List<String> histories = runLongDocuments();
    WorkflowReplayer.replayWorkflowExecution(histories.get(0), SitePipelineWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(histories.get(1), DocumentBatchWorkflowImpl.class);
  }

  @Test
  void freshContinuedRunReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(runContinued(), SitePipelineWorkflowImpl.class);
  }

  @Test
  void freshLivingSiteRunReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(runLivingSite(), SitePipelineWorkflowImpl.class);
  }

  @Test
  void freshSignalledRunReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(runSignalled(), SitePipelineWorkflowImpl.class);
  }

  @Test
  void freshRunReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(runThreeDocuments(), SitePipelineWorkflowImpl.class);
  }

  /** Proves the guard bites: a workflow that asks for its counters first does not match. */
  @Test
  void changedWorkflowDoesNotReplay() throws Exception {
    String history = recorded();
    assertThatThrownBy(
            () -> WorkflowReplayer.replayWorkflowExecution(history, CountersFirstPipeline.class))
        .hasStackTraceContaining("NonDeterministicException");
  }

  @Test
  @EnabledIfSystemProperty(named = "clerk.recordHistories", matches = "true")
  void recordHistory() throws Exception {
    // Only histories not recorded yet: old ones stay, they are what running executions look like.
    for (String history : List.of(HISTORY, SIGNALLED_HISTORY, LIVING_HISTORY, CONTINUED_HISTORY, LIMITED_HISTORY,
        RANGES_BATCH_HISTORY, TEXT_LAYERS_BATCH_HISTORY, LARGER_BATCHES_HISTORY, TEXT_BATCHES_HISTORY,
        TEXT_LAYER_PARTS_HISTORY)) {
      Path file = Path.of("src/test/resources", history);
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, switch (history) {
          case HISTORY -> runThreeDocuments();
          case SIGNALLED_HISTORY -> runSignalled();
          case LIVING_HISTORY -> runLivingSite();
          case LIMITED_HISTORY -> runLongDocuments().get(0);
          case RANGES_BATCH_HISTORY -> runLongDocuments().get(1);
          case TEXT_LAYERS_BATCH_HISTORY, TEXT_LAYER_PARTS_HISTORY -> runTextLayers();
          case LARGER_BATCHES_HISTORY, TEXT_BATCHES_HISTORY -> runThreeDocuments();
          default -> runContinued();
        }, StandardCharsets.UTF_8);
      }
    }
  }

  private static String recorded() throws IOException {
    return read(HISTORY);
  }

  private static String read(String history) throws IOException {
    try (InputStream in =
        SitePipelineReplayTest.class.getClassLoader().getResourceAsStream(history)) {
      assertThat(in).as("test resource " + history).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Three documents, started with the ClerkSite search attribute and a reconcile signal
   * (signal-with-start, as reconciliation does); returns its history as JSON.
   */
  private static String runSignalled() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      env.registerSearchAttribute(ClerkSearchAttributes.SITE.getName(),
          io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      env.registerSearchAttribute(ClerkSearchAttributes.STAGE.getName(),
          io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      WorkflowClient client = startThreeDocumentSite(env);
      String workflowId = SitePipelineWorkflow.workflowId(SITE);
      SitePipelineWorkflow workflow = client.newWorkflowStub(SitePipelineWorkflow.class,
          WorkflowOptions.newBuilder()
              .setTaskQueue(TaskQueues.PIPELINE)
              .setWorkflowId(workflowId)
              .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                  .set(ClerkSearchAttributes.SITE, SITE).build())
              .build());
      io.temporal.client.BatchRequest request = client.newSignalWithStartRequest();
      request.add(workflow::run, PipelineInput.of(SITE));
      request.add(workflow::reconcile, "reconciliation: pipeline not running");
      client.signalWithStart(request);
      SiteResult result = io.temporal.client.WorkflowStub.fromTyped(workflow).getResult(SiteResult.class);
      assertThat(result.note()).isEqualTo("3 documents, none failed");
      String history = client.fetchHistory(workflowId).toJson(true);
      assertThat(history).contains("EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES", "EVENT_TYPE_MARKER_RECORDED", "\"reconcile\"");
      return history;
    }
  }

  /**
   * Three documents; as the site finishes, reconciliation sends one back (its PDF changed) and
   * signals: the run goes round from OCR and finishes again. Returns its history as JSON.
   */
  private static String runLivingSite() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      FakeSite site = startSite(env, 3);
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = SitePipelineWorkflow.workflowId(SITE);
      String changed = site.documentIds().get(2);
      site.onFinish((call, decided) -> {
        if (call == 1 && decided) {
          site.sendBackToOcr(changed);
          client.newWorkflowStub(SitePipelineWorkflow.class, workflowId)
              .reconcile("reconciliation: PDF of " + changed + " changed");
        }
      });
      client.newWorkflowStub(SitePipelineWorkflow.class,
              WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.PIPELINE).setWorkflowId(workflowId).build())
          .run(PipelineInput.of(SITE));
      assertThat(site.ends()).containsExactly(Stage.COMPLETED, Stage.COMPLETED);
      String history = client.fetchHistory(workflowId).toJson(true);
      assertThat(history).contains("EVENT_TYPE_MARKER_RECORDED", "FinishSite", "EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED");
      return history;
    }
  }

  /**
   * Sixty documents with a small history limit: the pipeline continues as new several times with
   * document batches running. Returns the history of a run in the middle of the chain: it adopted the
   * batches of the run before and continued as new itself.
   */
  private static String runContinued() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      startSite(env, 60);
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = SitePipelineWorkflow.workflowId(SITE);
      client.newWorkflowStub(SitePipelineWorkflow.class,
              WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.PIPELINE).setWorkflowId(workflowId).build())
          .run(new PipelineInput(SITE, null, null, List.of(), List.of(), 60, PipelineInput.OCR_AT_ONCE));
      List<io.temporal.common.WorkflowExecutionHistory> runs = new java.util.ArrayList<>();
      String runId = null;
      do {
        io.temporal.common.WorkflowExecutionHistory h =
            runId == null ? client.fetchHistory(workflowId) : client.fetchHistory(workflowId, runId);
        runs.add(0, h);
        runId = h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
      } while (!runId.isEmpty());
      assertThat(runs).hasSizeGreaterThan(2);
      for (io.temporal.common.WorkflowExecutionHistory run : runs.subList(1, runs.size() - 1)) {
        String json = run.toJson(true);
        if (json.contains("\"batchDone\"") && json.contains("EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW")) {
          return json;
        }
      }
      throw new AssertionError("no run both adopted batches and continued as new");
    }
  }

  /**
   * Six documents, two of them long (37 pages: five ranges), under the site's OCR limit of 4. Returns
   * the pipeline's history and that of the OCR batch holding the first long document.
   */
  private static List<String> runLongDocuments() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      FakeSite site = startSite(env, 6);
      site.longDocuments.put(site.documentIds().get(0), 37);
      site.longDocuments.put(site.documentIds().get(3), 37);
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = SitePipelineWorkflow.workflowId(SITE);
      SiteResult result = client.newWorkflowStub(SitePipelineWorkflow.class,
              WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.PIPELINE).setWorkflowId(workflowId).build())
          .run(PipelineInput.of(SITE, 4));
      assertThat(result.note()).isEqualTo("6 documents, none failed");
      io.temporal.common.WorkflowExecutionHistory pipeline = client.fetchHistory(workflowId);
      return List.of(pipeline.toJson(true),
          batchHistory(client, pipeline, "OcrPages").orElseThrow(() -> new AssertionError("no OCR batch with page ranges")));
    }
  }

  /**
   * Six documents, four born-digital (read in the batch's one text-layer activity) and two scanned
   * (an OCR activity each). Returns the history of an OCR batch that ran both kinds.
   */
  private static String runTextLayers() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      FakeSite site = startSite(env, 6);
      List<String> ids = site.documentIds();
      for (int i : new int[] {0, 2, 3, 5}) {
        site.textLayers.add(ids.get(i));
      }
      WorkflowClient client = env.getWorkflowClient();
      String workflowId = SitePipelineWorkflow.workflowId(SITE);
      SiteResult result = client.newWorkflowStub(SitePipelineWorkflow.class,
              WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.PIPELINE).setWorkflowId(workflowId).build())
          .run(PipelineInput.of(SITE, 4));
      assertThat(result.note()).isEqualTo("6 documents, none failed");
      return batchHistory(client, client.fetchHistory(workflowId), "OcrDocuments", "\"OcrDocument\"")
          .orElseThrow(() -> new AssertionError("no OCR batch ran both text layers and a scan"));
    }
  }

  /** The history (JSON) of the first document batch the pipeline started that holds every one of {@code holds}. */
  private static java.util.Optional<String> batchHistory(WorkflowClient client,
      io.temporal.common.WorkflowExecutionHistory pipeline, String... holds) {
    for (io.temporal.api.history.v1.HistoryEvent event : pipeline.getEvents()) {
      if (event.hasChildWorkflowExecutionStartedEventAttributes()) {
        String child = event.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution().getWorkflowId();
        String batch = client.fetchHistory(child).toJson(true);
        if (java.util.Arrays.stream(holds).allMatch(batch::contains)) {
          return java.util.Optional.of(batch);
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** Workers on both task queues over a fake site of three documents, as the worker has them. */
  private static WorkflowClient startThreeDocumentSite(TestWorkflowEnvironment env) {
    startSite(env, 3);
    return env.getWorkflowClient();
  }

  /** Workers on both task queues over a fake site of {@code documents} documents; the environment started. */
  private static FakeSite startSite(TestWorkflowEnvironment env, int documents) {
    FakeSite site = new FakeSite(SITE, documents);
    Worker pipeline = env.newWorker(TaskQueues.PIPELINE);
    pipeline.registerWorkflowImplementationTypes(SitePipelineWorkflowImpl.class, DocumentBatchWorkflowImpl.class);
    pipeline.registerActivitiesImplementations(site);
    env.newWorker(TaskQueues.OCR).registerActivitiesImplementations(site);
    env.start();
    return site;
  }

  /** Scenario (1) of SitePipelineWorkflowTest; returns its history as JSON. */
  private static String runThreeDocuments() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      WorkflowClient client = startThreeDocumentSite(env);
      String workflowId = SitePipelineWorkflow.workflowId(SITE);
      SiteResult result =
          client
              .newWorkflowStub(
                  SitePipelineWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(TaskQueues.PIPELINE)
                      .setWorkflowId(workflowId)
                      .build())
              .run(PipelineInput.of(SITE));
      assertThat(result.note()).isEqualTo("3 documents, none failed");
      return client.fetchHistory(workflowId).toJson(true);
    }
  }

  /** A non-deterministic edit of the pipeline: an extra activity call before the first stage. */
  public static class CountersFirstPipeline implements SitePipelineWorkflow {
    private final SiteActivities site =
        Workflow.newActivityStub(
            SiteActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(2)).build());

    @Override
    public SiteResult run(PipelineInput input) {
      StageCounters counters = site.stageCounters(input.subdomain(), Stage.OCR);
      return new SiteResult(input.subdomain(), List.of(counters), "");
    }

    @Override
    public void reconcile(String found) {}

    @Override
    public void batchDone(BatchResult result) {}

    @Override
    public SiteProgress progress() {
      return null;
    }
  }

  /** The version markers' change ids in a history, as recorded (JSON strings). */
  private static List<String> changeIds(List<io.temporal.api.history.v1.HistoryEvent> events) {
    return events.stream().filter(io.temporal.api.history.v1.HistoryEvent::hasMarkerRecordedEventAttributes)
        .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("changeId").getPayloads(0)
            .getData().toStringUtf8())
        .toList();
  }

  /** How many documents each PendingDocuments activity of a history asked for. */
  private static List<String> fetchSizes(List<io.temporal.api.history.v1.HistoryEvent> events) {
    return events.stream().filter(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("PendingDocuments"))
        .map(e -> e.getActivityTaskScheduledEventAttributes().getInput().getPayloads(3).getData().toStringUtf8())
        .toList();
  }
}
