package clerk.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;

/**
 * The site pipeline as it ran before living sites: one activity per document straight from the
 * pipeline (no document batches), continue-as-new after draining, an outage waited out per document,
 * no end-of-run check of the counters. Executions recorded then replay through it; new ones never
 * take it.
 */
final class PipelineBeforeLivingSites {
  private static final Logger log = Workflow.getLogger(PipelineBeforeLivingSites.class);

  /** First pause before a document runs again after UNAVAILABLE; doubles up to the maximum. */
  static final Duration UNAVAILABLE_PAUSE = Duration.ofSeconds(10);
  static final Duration UNAVAILABLE_MAX_PAUSE = Duration.ofMinutes(5);

  private final SitePipelineWorkflowImpl w;

  PipelineBeforeLivingSites(SitePipelineWorkflowImpl pipeline) {
    this.w = pipeline;
  }

  /**
   * The pipeline as it ran before living sites (no end-of-run check of the counters, no loop for a
   * reconcile signal during completion): executions recorded then replay through it.
   */
  SiteResult run(PipelineInput input) {
    String after = input.afterDocumentId();
    for (w.stage = input.stage() == null ? Stage.OCR : input.stage();
        w.stage != Stage.COMPLETED;
        w.stage = w.stage.next()) {
      w.counters = w.site.beginStage(w.subdomain, w.stage);
      w.showStage(w.stage);
      w.showDetails();
      if (w.counters.total() == 0) {
        w.note = emptyStageNote(w.stage, w.done);
        log.info("{}: {}", w.subdomain, w.note);
        break;
      }
      if (w.stage == Stage.DEPLOY) {
        deploy();
        w.counters = w.site.stageCounters(w.subdomain, w.stage);
      } else {
        runDocuments(after);
      }
      after = null;
      w.done.add(w.counters);
    }
    if (w.recheck) {
      // A reconcile signal that came during deploy: an earlier stage may have work again.
      w.recheck = false;
      w.resumeEarlierStage();
    }
    w.stage = Stage.COMPLETED;
    if (w.note.isEmpty()) {
      w.note = SitePipelineWorkflowImpl.summary(w.done);
    }
    w.site.completeSite(w.subdomain, w.note);
    w.showStage(Stage.COMPLETED);
    Workflow.setCurrentDetails("**completed**: " + w.note);
    return new SiteResult(w.subdomain, w.done, w.note);
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
      List<DocumentRef> batch = w.site.pendingDocuments(w.subdomain, w.stage, cursor, SitePipelineWorkflowImpl.BATCH);
      for (DocumentRef document : batch) {
        if (w.inFlight.contains(document.id())) {
          continue;
        }
        Workflow.await(() -> w.inFlight.size() < SitePipelineWorkflowImpl.MAX_IN_FLIGHT);
        w.inFlight.add(document.id());
        Async.procedure(this::process, document);
      }
      if (!batch.isEmpty()) {
        passFoundWork = true;
        cursor = batch.get(batch.size() - 1).id();
        if (Workflow.getInfo().isContinueAsNewSuggested()) {
          // Keep history bounded on sites with thousands of documents: drain, then start afresh
          // from the cursor (from the first document if reconciliation asked for a recheck).
          Workflow.await(w.inFlight::isEmpty);
          Workflow.continueAsNew(new PipelineInput(w.subdomain, w.stage, w.recheck ? null : cursor, w.done));
        }
        continue;
      }
      Workflow.await(() -> w.inFlight.isEmpty() || w.recheck);
      if (w.recheck) {
        w.recheck = false;
        w.resumeEarlierStage();
        w.counters = w.site.beginStage(w.subdomain, w.stage);
        cursor = null;
        passFoundWork = true;
        continue;
      }
      w.counters = w.site.stageCounters(w.subdomain, w.stage);
      if (w.counters.finished() || !passFoundWork) {
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
    String summary = w.stage.dbName() + " " + document.id();
    try {
      DocumentOutcome outcome = untilAvailable(document.id(), () -> switch (w.stage) {
        case OCR -> Workflow.newActivityStub(OcrActivities.class,
            ActivityOptions.newBuilder(PipelineActivities.OCR).setSummary(summary).build()).ocrDocument(document);
        case COMPILATION -> documentStub(summary).compileDocument(document);
        case EXTRACTION -> documentStub(summary).extractDocument(document);
        default -> throw new IllegalStateException("no per-document activity for " + w.stage);
      });
      if (outcome.superseded()) {
        // Reconciliation sent it back to an earlier stage: the pass that reruns that stage (its
        // reconcile signal continues the pipeline from there) brings it here again.
        return;
      }
      w.counters = w.counters.plus(true);
      countDocument("completed");
    } catch (ActivityFailure failure) {
      String reason = PipelineActivities.reason(failure);
      log.warn("{} failed {}: {}", document, w.stage.dbName(), reason);
      w.site.recordFailure(w.subdomain, w.stage, document.id(), reason);
      w.counters = w.counters.plus(false);
      countDocument("failed");
    } finally {
      w.inFlight.remove(document.id());
      w.showDetails();
    }
  }

  private static DocumentActivities documentStub(String summary) {
    return Workflow.newActivityStub(
        DocumentActivities.class, ActivityOptions.newBuilder(PipelineActivities.DOCUMENT).setSummary(summary).build());
  }

  private void deploy() {
    w.inFlight.add("deploy");
    try {
      w.counters = untilAvailable("bundle", () -> w.documents.deploySite(w.subdomain));
    } catch (ActivityFailure failure) {
      w.counters = w.site.recordFailure(w.subdomain, Stage.DEPLOY, null, PipelineActivities.reason(failure));
    } finally {
      w.inFlight.remove("deploy");
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
        if (!w.waitingFor.isEmpty()) {
          w.waitingFor = "";
          w.showDetails();
        }
        return result;
      } catch (ActivityFailure failure) {
        if (!(failure.getCause() instanceof ApplicationFailure app
            && SitePipelineWorkflowImpl.UNAVAILABLE.equals(app.getType()))) {
          throw failure;
        }
        w.waitingFor = app.getOriginalMessage();
        log.warn("{}: {} {} waits {} s and runs again: {}", w.subdomain, w.stage.dbName(), what,
            pause.toSeconds(), w.waitingFor);
        w.showDetails();
        Workflow.sleep(pause);
        Duration next = pause.multipliedBy(2);
        pause = next.compareTo(UNAVAILABLE_MAX_PAUSE) < 0 ? next : UNAVAILABLE_MAX_PAUSE;
      }
    }
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
    return "nothing to " + stage.dbName() + ": all " + previous.total() + " "
        + SitePipelineWorkflowImpl.documents(previous.total()) + " failed " + previous.stage().dbName();
  }

  /** {@code clerk_documents_processed_total{stage, outcome}}; the SDK drops it while replaying. */
  private void countDocument(String outcome) {
    Workflow.getMetricsScope()
        .tagged(java.util.Map.of("stage", w.stage.dbName(), "outcome", outcome))
        .counter("clerk_documents_processed")
        .inc(1);
  }
}
