package clerk.workflows;

import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Orchestration only: which documents go through which stage, how many at once, and when a stage and
 * the site are finished. All state that matters lives in PostgreSQL and on disk; this class keeps a
 * copy of the current stage's counters for the progress query.
 *
 * <p>A stage's documents go to {@link DocumentBatchWorkflow} children, {@link #WINDOW} at a time, each
 * running {@link DocumentBatchWorkflowImpl#AT_ONCE} documents at once. The children outlive a run that
 * continues as new and report to the new run, so a site with thousands of documents never idles its
 * slots waiting for its slowest document at a continue-as-new boundary.
 *
 * <p>OCR is where sites compete: its activities, page ranges included, are limited per site
 * ({@link PipelineInput#ocrAtOnce}), shared by fewer batches. A server's task queue hands out tasks
 * in the order they were scheduled, so a site started later finds at most that many of another
 * site's ahead of its own; a server with fairness keys takes the sites in turn besides.
 */
public class SitePipelineWorkflowImpl implements SitePipelineWorkflow {
  /** Document batches running at once. */
  static final int WINDOW = 4;

  /** Documents in flight at once: the task queues' slots bound the real concurrency. */
  static final int MAX_IN_FLIGHT = WINDOW * DocumentBatchWorkflowImpl.AT_ONCE;

  /**
   * Documents per document batch at most; a fetched page is spread over the free window slots. A
   * batch costs a child workflow and about thirty history events however small its documents are:
   * born-digital ones take milliseconds each, so a batch holds many.
   */
  static final int BATCH_SIZE = 100;

  /** Documents fetched per pendingDocuments call (a window of batches): keeps payloads and history small. */
  static final int FETCH = BATCH_SIZE * WINDOW;

  /**
   * Documents per batch of compilation and extraction (versioned {@code text-batches}): their batch
   * is one activity over page texts, never Tesseract, so a batch's fixed Temporal cost (a child
   * workflow, its activity, its report) is shared by more documents.
   */
  static final int TEXT_BATCH_SIZE = 250;

  /** Documents fetched per pendingDocuments call for compilation and extraction: a window of them. */
  static final int TEXT_FETCH = TEXT_BATCH_SIZE * WINDOW;

  /** {@link #FETCH} in runs started before larger batches. */
  static final int BATCH = 100;

  /** {@link #BATCH_SIZE} in runs started before larger batches. */
  static final int BATCH_DOCUMENTS = 25;

  /** How long the pipeline waits for its batches before it checks that they still run. */
  static final Duration BATCH_WATCH = Duration.ofMinutes(10);

  /** Error type of bad input (corrupt PDF, bad path): retrying cannot help. */
  public static final String BAD_DOCUMENT = "BadDocument";

  /**
   * Failure type of an activity that could not reach what it needs (the database, the storage
   * folder): not the document's fault, so it is waited out, never recorded as the document's failure.
   */
  public static final String UNAVAILABLE = "Unavailable";

  private static final Logger log = Workflow.getLogger(SitePipelineWorkflowImpl.class);

  final SiteActivities site = PipelineActivities.site();
  private final SiteActivities gate = Workflow.newActivityStub(SiteActivities.class, PipelineActivities.GATE);
  final DocumentActivities documents = Workflow.newActivityStub(DocumentActivities.class, PipelineActivities.DOCUMENT);
  private final DocumentActivities deployer = Workflow.newActivityStub(DocumentActivities.class, PipelineActivities.DEPLOY);

  String subdomain;
  Stage stage = Stage.OCR;
  StageCounters counters = new StageCounters(Stage.OCR, 0, 0, 0);
  /** Documents being worked on (and "deploy" while the bundle is written). */
  final Set<String> inFlight = new LinkedHashSet<>();
  String note = "";
  /** Set by the reconcile signal; the stage loop reacts to it. */
  boolean recheck;
  private String lastReconciliation = "";
  /** What documents are waiting for (an unreachable database, say); empty when nothing is. */
  String waitingFor = "";
  /** Counters of the stages finished, in this run and the runs it continued. */
  List<StageCounters> done = new ArrayList<>();
  /** Document batches running for the current stage, by batch id. */
  private final Map<String, PipelineInput.BatchInFlight> batches = new LinkedHashMap<>();
  /** Continue as new at this many history events; null: when the server suggests it. */
  private Integer historyLimit;
  /** OCR activities the site keeps in flight at most; null: unlimited (runs started before the limit). */
  private Integer ocrAtOnce;

  /**
   * Batches that a run which continued as new left running report here, and a report can be the
   * first thing this run sees: signal handlers run before the workflow method does, so the batches
   * are known from the constructor on (a report of a batch not yet known would be dropped and the
   * run would wait for it for good).
   */
  @WorkflowInit
  public SitePipelineWorkflowImpl(PipelineInput input) {
    input.batches().forEach(this::track);
  }

  @Override
  public SiteResult run(PipelineInput input) {
    subdomain = input.subdomain();
    done = new ArrayList<>(input.finished());
    historyLimit = input.historyLimit();
    ocrAtOnce = input.ocrAtOnce();
    if (Workflow.getVersion("living-sites", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return new PipelineBeforeLivingSites(this).run(input);
    }
    Stage from = input.stage() == null ? Stage.OCR : input.stage();
    String after = input.afterDocumentId();
    showDetails();
    while (true) {
      runStages(from, after);
      after = null;
      // Ends the run only if the counters agree, in one transaction: documents sent back meanwhile
      // (a reconcile signal, perhaps arriving during this very call) make it go round again.
      Stage end = site.finishSite(subdomain, note.isEmpty() ? summary(done) : note);
      if (end.isEnd() && !recheck) {
        stage = end;
        note = note.isEmpty() ? summary(done) : note;
        showStage(end);
        Workflow.setCurrentDetails("**" + end.dbName() + "**: " + note);
        return new SiteResult(subdomain, done, note);
      }
      recheck = false;
      from = end.isEnd() ? site.stageToResume(subdomain) : end;
      if (from.isEnd()) {
        continue; // the signal found nothing to do: finish again, which keeps the end state
      }
      Stage again = from;
      done = new ArrayList<>(done.stream().filter(c -> c.stage().ordinal() < again.ordinal()).toList());
      note = "";
      log.info("{}: {} has work again; running from there", subdomain, from.dbName());
      if (continueAsNewDue()) {
        Workflow.continueAsNew(continued(from, null));
      }
    }
  }

  /**
   * Runs the stages from {@code from} on. A stage with no documents is passed; deploy always runs, so
   * the bundle publishes what the site holds now, nothing included (every document removed or failed).
   */
  private void runStages(Stage from, String after) {
    for (stage = from; !stage.isEnd(); stage = stage.next()) {
      counters = site.beginStage(subdomain, stage);
      showStage(stage);
      showDetails();
      if (stage == Stage.OCR && counters.total() == 0) {
        note = "no documents: no PDFs under pdfs/ or _agendas/pdfs/";
      }
      if (stage == Stage.DEPLOY) {
        deploy();
        counters = site.stageCounters(subdomain, stage);
      } else if (counters.total() > 0 || !batches.isEmpty()) {
        runBatches(after);
      }
      after = null;
      if (counters.total() > 0) {
        done.add(counters);
      }
    }
  }

  /**
   * Sends the stage's pending documents to document batches, {@link #WINDOW} batches at a time, until
   * the stage is finished (completed + failed == total). A reconcile signal, or documents that became
   * pending behind the cursor, start another pass from the first document; documents in a running
   * batch are skipped. Continues as new when the history is long, leaving the batches running.
   */
  private void runBatches(String after) {
    boolean larger = Workflow.getVersion("larger-batches", Workflow.DEFAULT_VERSION, 1) == 1;
    int fetch = larger ? FETCH : BATCH;
    int batchSize = larger ? BATCH_SIZE : BATCH_DOCUMENTS;
    if (stage != Stage.OCR
        && Workflow.getVersion("text-batches", Workflow.DEFAULT_VERSION, 1) == 1) {
      fetch = TEXT_FETCH;
      batchSize = TEXT_BATCH_SIZE;
    }
    String cursor = after;
    // Fetched but not yet in a batch; startedUpTo: the last document given to a batch.
    Deque<DocumentRef> fetched = new ArrayDeque<>();
    String startedUpTo = after;
    boolean exhausted = false;
    boolean passFoundWork = true;
    while (true) {
      int window = window();
      while (batches.size() < window && !(exhausted && fetched.isEmpty())) {
        if (fetched.isEmpty()) {
          List<DocumentRef> page = site.pendingDocuments(subdomain, stage, cursor, fetch);
          if (page.isEmpty()) {
            exhausted = true;
            break;
          }
          cursor = page.get(page.size() - 1).id();
          page.stream().filter(d -> !inFlight.contains(d.id())).forEach(fetched::add);
          continue;
        }
        int size = Math.min(batchSize, (fetched.size() + window - batches.size() - 1) / (window - batches.size()));
        List<DocumentRef> documents = new ArrayList<>();
        while (documents.size() < size) {
          documents.add(fetched.poll());
        }
        startBatch(documents);
        startedUpTo = documents.get(documents.size() - 1).id();
        passFoundWork = true;
      }
      if (continueAsNewDue()) {
        // No draining: the running batches go with the new run and report to it. Documents fetched
        // but not started are still pending: the new run fetches them again after startedUpTo.
        Workflow.continueAsNew(continued(stage, recheck ? null : startedUpTo));
      }
      boolean more = !(exhausted && fetched.isEmpty());
      Supplier<Boolean> ready = () -> recheck || (batches.size() < window && more) || batches.isEmpty();
      if (Workflow.getVersion("watch-batches", Workflow.DEFAULT_VERSION, 1) == 1) {
        // A batch whose report was lost would hold its documents until a reconciliation: look at
        // the running batches when none has reported for a while.
        if (!Workflow.await(BATCH_WATCH, ready)) {
          forgetEndedBatches();
          continue;
        }
      } else {
        Workflow.await(ready);
      }
      if (recheck) {
        recheck = false;
        forgetEndedBatches();
        resumeEarlierStage();
        counters = site.beginStage(subdomain, stage);
        cursor = null;
        startedUpTo = null;
        fetched.clear();
        exhausted = false;
        passFoundWork = true;
        continue;
      }
      if (more || !batches.isEmpty()) {
        continue;
      }
      counters = site.stageCounters(subdomain, stage);
      if (counters.finished() || !passFoundWork) {
        // A pass from the first document that found nothing cannot find more: the counters are an
        // aggregate of the documents' statuses, so finished() holds unless they were edited by hand,
        // which reconciliation repairs.
        return;
      }
      cursor = null;
      startedUpTo = null;
      passFoundWork = false;
    }
  }

  /**
   * Batches running at once for the current stage: for OCR, fewer, each with a share of the site's
   * limit, so that one long document's page ranges can still take several OCR slots.
   */
  private int window() {
    return stage != Stage.OCR || ocrAtOnce == null ? WINDOW : Math.max(1, Math.min(WINDOW, ocrAtOnce / 2));
  }

  /** OCR activities one batch keeps in flight: its share of the site's limit (null: no limit). */
  private Integer batchOcrAtOnce() {
    return stage != Stage.OCR || ocrAtOnce == null ? null : Math.max(1, ocrAtOnce / window());
  }

  /** Starts a document batch as a child workflow that outlives this run, and waits until it runs. */
  private void startBatch(List<DocumentRef> documents) {
    String batchId = stage.dbName() + "-" + Workflow.randomUUID().toString().substring(0, 8);
    String workflowId = SitePipelineWorkflow.workflowId(subdomain) + "/" + batchId;
    DocumentBatchWorkflow child = Workflow.newChildWorkflowStub(DocumentBatchWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setStaticSummary(stage.dbName() + " of " + documents.size() + " document(s) of **" + subdomain
                + "**, from " + documents.get(0).id())
            .build());
    Promise<BatchResult> result = Async.function(child::run,
        new DocumentBatch(subdomain, stage, documents, Workflow.getInfo().getWorkflowId(), batchId, batchOcrAtOnce()));
    adopt(new PipelineInput.BatchInFlight(batchId, workflowId, documents.stream().map(DocumentRef::id).toList()));
    // A batch that failed (a bug in its code) never reports: its documents stay pending, and the
    // next pass takes them again.
    result.handle((r, failure) -> {
      if (failure != null) {
        log.error("{}: document batch {} failed: {}", subdomain, batchId, failure.toString());
        batchEnded(batchId, null);
      }
      return null;
    });
    // Started before this run may continue as new: a start still pending would be lost with it.
    Workflow.getWorkflowExecution(child).get();
  }

  private void adopt(PipelineInput.BatchInFlight batch) {
    track(batch);
    showDetails();
  }

  private void track(PipelineInput.BatchInFlight batch) {
    batches.put(batch.batchId(), batch);
    inFlight.addAll(batch.documentIds());
  }

  /** A batch ended (it reported, or failed): its documents leave the in-flight set. */
  private void batchEnded(String batchId, BatchResult result) {
    PipelineInput.BatchInFlight batch = batches.remove(batchId);
    if (batch == null) {
      return; // reported twice, or forgotten as ended
    }
    batch.documentIds().forEach(inFlight::remove);
    if (result != null && result.stage() == stage) {
      counters = new StageCounters(stage, counters.total(), counters.completed() + result.completed(),
          counters.failed() + result.failed());
    }
    showDetails();
  }

  /** After a reconcile signal: batches whose workflow no longer runs (terminated) are forgotten. */
  private void forgetEndedBatches() {
    if (batches.isEmpty()) {
      return;
    }
    Set<String> running = new LinkedHashSet<>(site.runningWorkflows(
        batches.values().stream().map(PipelineInput.BatchInFlight::workflowId).toList()));
    for (PipelineInput.BatchInFlight batch : List.copyOf(batches.values())) {
      if (!running.contains(batch.workflowId())) {
        log.warn("{}: document batch {} is no longer running; its documents go round again", subdomain,
            batch.batchId());
        batchEnded(batch.batchId(), null);
      }
    }
  }

  private boolean continueAsNewDue() {
    return historyLimit != null
        ? Workflow.getInfo().getHistoryLength() >= historyLimit
        : Workflow.getInfo().isContinueAsNewSuggested();
  }

  /** The input of a run that continues this one from {@code from}, after {@code cursor}. */
  PipelineInput continued(Stage from, String cursor) {
    List<StageCounters> before = done.stream().filter(c -> c.stage().ordinal() < from.ordinal()).toList();
    return new PipelineInput(subdomain, from, cursor, from == stage ? done : before,
        from == stage ? List.copyOf(batches.values()) : List.of(), historyLimit, ocrAtOnce);
  }

  /** Writes the bundle; while the database or the storage is unreachable, waits at the gate first. */
  private void deploy() {
    inFlight.add("deploy");
    try {
      while (true) {
        try {
          counters = deployer.deploySite(subdomain);
          return;
        } catch (ActivityFailure failure) {
          if (!PipelineActivities.unavailable(failure)) {
            counters = site.recordFailure(subdomain, Stage.DEPLOY, null, PipelineActivities.reason(failure));
            return;
          }
          waitingFor = PipelineActivities.reason(failure);
          log.warn("{}: deploy waits until the database and the storage are back: {}", subdomain, waitingFor);
          showDetails();
          gate.awaitAvailable(subdomain);
          waitingFor = "";
        }
      }
    } finally {
      inFlight.remove("deploy");
      showDetails();
    }
  }

  /** The current details the Temporal UI shows for the running workflow. */
  void showDetails() {
    Workflow.setCurrentDetails("**" + stage.dbName() + "**: " + counters.completed() + "/" + counters.total()
        + " completed, " + counters.failed() + " failed, " + inFlight.size() + " in flight"
        + (batches.isEmpty() ? "" : " (" + batches.size() + " document batches)")
        + (waitingFor.isEmpty() ? "" : "\n\nwaiting: " + waitingFor)
        + (lastReconciliation.isEmpty() ? "" : "\n\nlast reconcile signal: " + lastReconciliation));
  }

  /**
   * Sets the ClerkStage search attribute, on pipelines started with ClerkSite (so the attributes are
   * registered on this server). Versioned: histories recorded before this change have no upserts.
   */
  void showStage(Stage current) {
    if (Workflow.getVersion("stage-search-attribute", Workflow.DEFAULT_VERSION, 1) == 1
        && Workflow.getTypedSearchAttributes().containsKey(ClerkSearchAttributes.SITE)) {
      Workflow.upsertTypedSearchAttributes(ClerkSearchAttributes.STAGE.valueSet(current.dbName()));
    }
  }

  /**
   * After a reconcile signal: when reconciliation sent documents of an earlier stage back to pending
   * (their text vanished, say), drain what is in flight and continue as new from that stage. Versioned:
   * histories recorded before this change never asked.
   */
  void resumeEarlierStage() {
    if (Workflow.getVersion("recheck-earlier-stages", Workflow.DEFAULT_VERSION, 1) != 1) {
      return;
    }
    Stage earliest = site.stageToResume(subdomain);
    if (earliest.ordinal() < stage.ordinal()) {
      log.info("{}: reconciliation found {} work again; continuing from there", subdomain, earliest.dbName());
      Workflow.await(inFlight::isEmpty);
      // The stages from `earliest` on run again: their old counters are dropped.
      Workflow.continueAsNew(continued(earliest, null));
    }
  }

  /** The operator-readable reason of a failed activity: the error's own message, or the timeout. */
  static String reason(ActivityFailure failure) {
    return PipelineActivities.reason(failure);
  }

  static String summary(List<StageCounters> done) {
    if (done.isEmpty()) {
      return "nothing left to do";
    }
    int failed = done.stream().mapToInt(StageCounters::failed).sum();
    StageCounters first = done.get(0);
    return first.total() + " " + documents(first.total()) + ", "
        + (failed == 0 ? "none failed" : failed + " failed");
  }

  static String documents(int n) {
    return n == 1 ? "document" : "documents";
  }

  @Override
  public void reconcile(String found) {
    // Little work in the handler: the stage loop sees the flag at its next await.
    lastReconciliation = found;
    recheck = true;
  }

  @Override
  public void batchDone(BatchResult result) {
    batchEnded(result.batchId(), result);
  }

  @Override
  public SiteProgress progress() {
    return new SiteProgress(subdomain, stage, counters, List.copyOf(inFlight), note, lastReconciliation);
  }
}
