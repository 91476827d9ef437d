package clerk.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Orchestration only: which documents go through which activity, how many at once, and when a stage
 * is finished. All state that matters lives in PostgreSQL and on disk; this class only keeps a copy of
 * the current stage's counters for the progress query.
 */
public class SitePipelineWorkflowImpl implements SitePipelineWorkflow {
  /** Documents in flight at once; the task queues' slots bound the real concurrency. */
  static final int MAX_IN_FLIGHT = 16;

  /** Documents fetched per pendingDocuments call: keeps payloads and history small. */
  static final int BATCH = 100;

  /** Error type of bad input (corrupt PDF, bad path): retrying cannot help. */
  public static final String BAD_DOCUMENT = "BadDocument";

  /**
   * Failure type of an activity that could not reach what it needs (the database, the storage
   * folder): not the document's fault, so it is waited out, never recorded as the document's failure.
   */
  public static final String UNAVAILABLE = "Unavailable";

  /** First pause before a document runs again after UNAVAILABLE; doubles up to the maximum. */
  static final Duration UNAVAILABLE_PAUSE = Duration.ofSeconds(10);
  static final Duration UNAVAILABLE_MAX_PAUSE = Duration.ofMinutes(5);

  private static final Logger log = Workflow.getLogger(SitePipelineWorkflowImpl.class);

  private final SiteActivities site =
      Workflow.newActivityStub(
          SiteActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              // Bookkeeping must eventually succeed (a database outage is not a document's fault).
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .build())
              .build());

  private static final ActivityOptions OCR_OPTIONS =
      ActivityOptions.newBuilder()
          .setTaskQueue(TaskQueues.OCR)
          .setStartToCloseTimeout(Duration.ofHours(2))
          // OCR heartbeats every few seconds, also while Tesseract reads a page: a dead worker is
          // noticed within this, independently of CLERK_OCR_PAGE_TIMEOUT.
          .setHeartbeatTimeout(Duration.ofSeconds(30))
          .setRetryOptions(documentRetries(4))
          .build();

  private static final ActivityOptions DOCUMENT_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(documentRetries(5))
          .build();

  private final DocumentActivities documents =
      Workflow.newActivityStub(DocumentActivities.class, DOCUMENT_OPTIONS);

  private String subdomain;
  private Stage stage = Stage.OCR;
  private StageCounters counters = new StageCounters(Stage.OCR, 0, 0, 0);
  private final Set<String> inFlight = new LinkedHashSet<>();
  private String note = "";
  /** Set by the reconcile signal; the stage loop reacts to it. */
  private boolean recheck;
  private String lastReconciliation = "";
  /** What documents are waiting for (an unreachable database, say); empty when nothing is. */
  private String waitingFor = "";
  /** Counters of the stages finished, in this run and the runs it continued. */
  private List<StageCounters> done = new ArrayList<>();

  private static RetryOptions documentRetries(int attempts) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(2))
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(Duration.ofMinutes(2))
        .setMaximumAttempts(attempts)
        .setDoNotRetry(BAD_DOCUMENT)
        .build();
  }

  @Override
  public SiteResult run(PipelineInput input) {
    subdomain = input.subdomain();
    done = new ArrayList<>(input.finished());
    if (Workflow.getVersion("living-sites", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return runBeforeLivingSites(input);
    }
    Stage from = input.stage() == null ? Stage.OCR : input.stage();
    String after = input.afterDocumentId();
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
      if (Workflow.getInfo().isContinueAsNewSuggested()) {
        Workflow.continueAsNew(new PipelineInput(subdomain, from, null, done));
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
      } else if (counters.total() > 0) {
        runDocuments(after);
      }
      after = null;
      if (counters.total() > 0) {
        done.add(counters);
      }
    }
  }

  /**
   * The pipeline as it ran before living sites (no end-of-run check of the counters, no loop for a
   * reconcile signal during completion): executions recorded then replay through it.
   */
  private SiteResult runBeforeLivingSites(PipelineInput input) {
    String after = input.afterDocumentId();
    for (stage = input.stage() == null ? Stage.OCR : input.stage();
        stage != Stage.COMPLETED;
        stage = stage.next()) {
      counters = site.beginStage(subdomain, stage);
      showStage(stage);
      showDetails();
      if (counters.total() == 0) {
        note = emptyStageNote(stage, done);
        log.info("{}: {}", subdomain, note);
        break;
      }
      if (stage == Stage.DEPLOY) {
        deploy();
        counters = site.stageCounters(subdomain, stage);
      } else {
        runDocuments(after);
      }
      after = null;
      done.add(counters);
    }
    if (recheck) {
      // A reconcile signal that came during deploy: an earlier stage may have work again.
      recheck = false;
      resumeEarlierStage();
    }
    stage = Stage.COMPLETED;
    if (note.isEmpty()) {
      note = summary(done);
    }
    site.completeSite(subdomain, note);
    showStage(Stage.COMPLETED);
    Workflow.setCurrentDetails("**completed**: " + note);
    return new SiteResult(subdomain, done, note);
  }

  /**
   * Fans out one activity per pending document, at most MAX_IN_FLIGHT at once, until the stage is
   * finished (completed + failed == total). A reconcile signal, or documents that became pending
   * behind the cursor, start another pass from the first document; documents in flight are skipped.
   */
  private void runDocuments(String after) {
    String cursor = after;
    boolean passFoundWork = true;
    while (true) {
      List<DocumentRef> batch = site.pendingDocuments(subdomain, stage, cursor, BATCH);
      for (DocumentRef document : batch) {
        if (inFlight.contains(document.id())) {
          continue;
        }
        Workflow.await(() -> inFlight.size() < MAX_IN_FLIGHT);
        inFlight.add(document.id());
        Async.procedure(this::process, document);
      }
      if (!batch.isEmpty()) {
        passFoundWork = true;
        cursor = batch.get(batch.size() - 1).id();
        if (Workflow.getInfo().isContinueAsNewSuggested()) {
          // Keep history bounded on sites with thousands of documents: drain, then start afresh
          // from the cursor (from the first document if reconciliation asked for a recheck).
          Workflow.await(inFlight::isEmpty);
          Workflow.continueAsNew(new PipelineInput(subdomain, stage, recheck ? null : cursor, done));
        }
        continue;
      }
      Workflow.await(() -> inFlight.isEmpty() || recheck);
      if (recheck) {
        recheck = false;
        resumeEarlierStage();
        counters = site.beginStage(subdomain, stage);
        cursor = null;
        passFoundWork = true;
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
      passFoundWork = false;
    }
  }

  private void process(DocumentRef document) {
    // The summary names the document in the Temporal UI's event history.
    String summary = stage.dbName() + " " + document.id();
    try {
      DocumentOutcome outcome = untilAvailable(document.id(), () -> switch (stage) {
        case OCR -> Workflow.newActivityStub(OcrActivities.class,
            ActivityOptions.newBuilder(OCR_OPTIONS).setSummary(summary).build()).ocrDocument(document);
        case COMPILATION -> documentStub(summary).compileDocument(document);
        case EXTRACTION -> documentStub(summary).extractDocument(document);
        default -> throw new IllegalStateException("no per-document activity for " + stage);
      });
      if (outcome.superseded()) {
        // Reconciliation sent it back to an earlier stage: the pass that reruns that stage (its
        // reconcile signal continues the pipeline from there) brings it here again.
        return;
      }
      counters = counters.plus(true);
      countDocument("completed");
    } catch (ActivityFailure failure) {
      String reason = reason(failure);
      log.warn("{} failed {}: {}", document, stage.dbName(), reason);
      site.recordFailure(subdomain, stage, document.id(), reason);
      counters = counters.plus(false);
      countDocument("failed");
    } finally {
      inFlight.remove(document.id());
      showDetails();
    }
  }

  private static DocumentActivities documentStub(String summary) {
    return Workflow.newActivityStub(
        DocumentActivities.class, ActivityOptions.newBuilder(DOCUMENT_OPTIONS).setSummary(summary).build());
  }

  /** {@code clerk_documents_processed_total{stage, outcome}}; the SDK drops it while replaying. */
  private void countDocument(String outcome) {
    Workflow.getMetricsScope()
        .tagged(java.util.Map.of("stage", stage.dbName(), "outcome", outcome))
        .counter("clerk_documents_processed")
        .inc(1);
  }

  /** The current details the Temporal UI shows for the running workflow. */
  private void showDetails() {
    Workflow.setCurrentDetails("**" + stage.dbName() + "**: " + counters.completed() + "/" + counters.total()
        + " completed, " + counters.failed() + " failed, " + inFlight.size() + " in flight"
        + (waitingFor.isEmpty() ? "" : "\n\nwaiting: " + waitingFor)
        + (lastReconciliation.isEmpty() ? "" : "\n\nlast reconcile signal: " + lastReconciliation));
  }

  /**
   * Sets the ClerkStage search attribute, on pipelines started with ClerkSite (so the attributes are
   * registered on this server). Versioned: histories recorded before this change have no upserts.
   */
  private void showStage(Stage current) {
    if (Workflow.getVersion("stage-search-attribute", Workflow.DEFAULT_VERSION, 1) == 1
        && Workflow.getTypedSearchAttributes().containsKey(ClerkSearchAttributes.SITE)) {
      Workflow.upsertTypedSearchAttributes(ClerkSearchAttributes.STAGE.valueSet(current.dbName()));
    }
  }

  private void deploy() {
    inFlight.add("deploy");
    try {
      counters = untilAvailable("bundle", () -> documents.deploySite(subdomain));
    } catch (ActivityFailure failure) {
      counters = site.recordFailure(subdomain, Stage.DEPLOY, null, reason(failure));
    } finally {
      inFlight.remove("deploy");
    }
  }

  /**
   * After a reconcile signal: when reconciliation sent documents of an earlier stage back to pending
   * (their text vanished, say), drain what is in flight and continue as new from that stage. Versioned:
   * histories recorded before this change never asked.
   */
  private void resumeEarlierStage() {
    if (Workflow.getVersion("recheck-earlier-stages", Workflow.DEFAULT_VERSION, 1) != 1) {
      return;
    }
    Stage earliest = site.stageToResume(subdomain);
    if (earliest.ordinal() < stage.ordinal()) {
      log.info("{}: reconciliation found {} work again; continuing from there", subdomain, earliest.dbName());
      Workflow.await(inFlight::isEmpty);
      // The stages from `earliest` on run again: their old counters are dropped.
      Workflow.continueAsNew(new PipelineInput(subdomain, earliest, null,
          done.stream().filter(c -> c.stage().ordinal() < earliest.ordinal()).toList()));
    }
  }

  /**
   * Runs an activity until it ends for a reason of its own. When it failed UNAVAILABLE on every
   * attempt (the database or the storage was down longer than its retries), the document waits, with
   * pauses doubling from UNAVAILABLE_PAUSE to UNAVAILABLE_MAX_PAUSE, and runs again: an outage fails
   * no document. (A new failure type: no recorded history takes this path, so no version marker.)
   */
  private <T> T untilAvailable(String what, Functions.Func<T> activity) {
    Duration pause = UNAVAILABLE_PAUSE;
    while (true) {
      try {
        T result = activity.apply();
        if (!waitingFor.isEmpty()) {
          waitingFor = "";
          showDetails();
        }
        return result;
      } catch (ActivityFailure failure) {
        if (!(failure.getCause() instanceof ApplicationFailure app && UNAVAILABLE.equals(app.getType()))) {
          throw failure;
        }
        waitingFor = app.getOriginalMessage();
        log.warn("{}: {} {} waits {} s and runs again: {}", subdomain, stage.dbName(), what,
            pause.toSeconds(), waitingFor);
        showDetails();
        Workflow.sleep(pause);
        Duration next = pause.multipliedBy(2);
        pause = next.compareTo(UNAVAILABLE_MAX_PAUSE) < 0 ? next : UNAVAILABLE_MAX_PAUSE;
      }
    }
  }

  /** The operator-readable reason of a failed activity: the error's own message, or the timeout. */
  static String reason(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      return "timed out (" + timeout.getTimeoutType().name().replace("TIMEOUT_TYPE_", "").toLowerCase()
          + ") on every attempt";
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }

  private static String emptyStageNote(Stage stage, List<StageCounters> done) {
    if (stage == Stage.OCR) {
      return "no documents: no PDFs under pdfs/ or _agendas/pdfs/";
    }
    if (done.isEmpty()) {
      // A run continued as new at this stage: the earlier stages ran in an earlier run.
      return "nothing to " + stage.dbName();
    }
    StageCounters previous = done.get(done.size() - 1);
    return "nothing to " + stage.dbName() + ": all " + previous.total() + " " + documents(previous.total())
        + " failed " + previous.stage().dbName();
  }

  private static String summary(List<StageCounters> done) {
    if (done.isEmpty()) {
      return "nothing left to do";
    }
    int failed = done.stream().mapToInt(StageCounters::failed).sum();
    StageCounters first = done.get(0);
    return first.total() + " " + documents(first.total()) + ", "
        + (failed == 0 ? "none failed" : failed + " failed");
  }

  private static String documents(int n) {
    return n == 1 ? "document" : "documents";
  }

  @Override
  public void reconcile(String found) {
    // Little work in the handler: the stage loop sees the flag at its next await.
    lastReconciliation = found;
    recheck = true;
  }

  @Override
  public SiteProgress progress() {
    return new SiteProgress(subdomain, stage, counters, List.copyOf(inFlight), note, lastReconciliation);
  }
}
