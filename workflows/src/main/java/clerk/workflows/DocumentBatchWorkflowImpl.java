package clerk.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.Priority;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * One batch of documents through one stage. Compilation and extraction take milliseconds a document:
 * the whole batch goes through one activity; if that activity keeps failing, its documents run one by
 * one. OCR runs one activity per document, {@link #AT_ONCE} at a time. A document that fails for good
 * is recorded failed with its reason; one that could not reach the database or the storage waits at
 * the site's gate (one activity whose retries the server runs: no history per cycle, however long the
 * outage) and runs again, so an outage fails no document. Reports to the site pipeline by signal.
 */
public class DocumentBatchWorkflowImpl implements DocumentBatchWorkflow {
  /** Documents of one batch in flight at once. */
  static final int AT_ONCE = 4;

  private static final Logger log = Workflow.getLogger(DocumentBatchWorkflowImpl.class);

  private final SiteActivities site = PipelineActivities.site();
  private final SiteActivities gate = Workflow.newActivityStub(SiteActivities.class, PipelineActivities.GATE);

  private DocumentBatch batch;
  private int inFlight;
  private int completed;
  private int failed;
  private int superseded;

  @Override
  public BatchResult run(DocumentBatch batch) {
    this.batch = batch;
    List<DocumentRef> todo = batch.stage() == Stage.OCR ? batch.documents() : inOneActivity(batch.documents());
    while (!todo.isEmpty()) {
      List<DocumentRef> unavailable = new ArrayList<>();
      List<Promise<Void>> running = new ArrayList<>();
      for (DocumentRef document : todo) {
        acquire();
        running.add(Async.procedure(this::process, document, unavailable));
      }
      // get() rethrows what a document's code threw beyond an activity failure (a bug): the batch
      // fails visibly instead of losing it.
      Promise.allOf(running).get();
      if (unavailable.isEmpty()) {
        break;
      }
      log.warn("{}: {} of {} document(s) could not reach the database or the storage; {} waits until they"
          + " are back", batch.subdomain(), unavailable.size(), batch.stage().dbName(), batch.batchId());
      gate.awaitAvailable(batch.subdomain());
      todo = unavailable;
    }
    BatchResult result = new BatchResult(batch.batchId(), batch.stage(), completed, failed, superseded);
    try {
      Workflow.newExternalWorkflowStub(SitePipelineWorkflow.class, batch.pipelineWorkflowId()).batchDone(result);
    } catch (RuntimeException pipelineGone) {
      // Terminated or finished meanwhile: the documents' state is in the database, which the next
      // pipeline run (reconciliation starts one) reads.
      log.info("{}: {} done, the site pipeline is not there to hear it: {}", batch.subdomain(), batch.batchId(),
          pipelineGone.getMessage());
    }
    return result;
  }

  /**
   * Runs a cheap stage for every document in one activity; returns the documents left to run one by
   * one (none, or all of them when the batch activity failed for a reason other than an outage).
   */
  private List<DocumentRef> inOneActivity(List<DocumentRef> documents) {
    DocumentActivities stub = Workflow.newActivityStub(DocumentActivities.class,
        ActivityOptions.newBuilder(PipelineActivities.DOCUMENTS)
            .setSummary(batch.stage().dbName() + " of " + documents.size() + " document(s) from " + documents.get(0).id())
            .build());
    while (true) {
      try {
        List<DocumentOutcome> outcomes = batch.stage() == Stage.COMPILATION
            ? stub.compileDocuments(documents) : stub.extractDocuments(documents);
        for (DocumentOutcome outcome : outcomes) {
          if (outcome.superseded()) {
            superseded++;
          } else if (outcome.failure() != null) {
            log.warn("{}:{} failed {}: {}", batch.subdomain(), outcome.documentId(), batch.stage().dbName(),
                outcome.failure());
            site.recordFailure(batch.subdomain(), batch.stage(), outcome.documentId(), outcome.failure());
            failed++;
            count("failed");
          } else {
            completed++;
            count("completed");
          }
        }
        return List.of();
      } catch (ActivityFailure failure) {
        if (PipelineActivities.unavailable(failure)) {
          gate.awaitAvailable(batch.subdomain());
          continue;
        }
        log.warn("{}: {} of {} failed as a batch ({}); its documents run one by one", batch.subdomain(),
            batch.stage().dbName(), batch.batchId(), PipelineActivities.reason(failure));
        return documents;
      }
    }
  }

  /** Activities this batch keeps in flight at most: documents, and for OCR page ranges too. */
  private int atOnce() {
    return batch.ocrAtOnce() == null ? AT_ONCE : batch.ocrAtOnce();
  }

  private void acquire() {
    Workflow.await(() -> inFlight < atOnce());
    inFlight++;
  }

  private void process(DocumentRef document, List<DocumentRef> unavailable) {
    Stage stage = batch.stage();
    // The summary names the document in the Temporal UI's event history.
    String summary = stage.dbName() + " " + document.id();
    try {
      DocumentOutcome outcome = switch (stage) {
        case OCR -> ocr(document, summary);
        case COMPILATION -> documents(summary).compileDocument(document);
        case EXTRACTION -> documents(summary).extractDocument(document);
        default -> throw new IllegalStateException("no per-document activity for " + stage);
      };
      if (outcome.superseded()) {
        // Reconciliation sent it back to an earlier stage: the pass that reruns that stage brings it
        // here again.
        superseded++;
        return;
      }
      completed++;
      count("completed");
    } catch (ActivityFailure failure) {
      if (PipelineActivities.unavailable(failure)) {
        unavailable.add(document);
        return;
      }
      String reason = PipelineActivities.reason(failure);
      log.warn("{} failed {}: {}", document, stage.dbName(), reason);
      site.recordFailure(batch.subdomain(), stage, document.id(), reason);
      failed++;
      count("failed");
    } finally {
      inFlight--;
    }
  }

  /**
   * OCRs a document: in one activity, or, for a long one, in page ranges on several OCR slots at once
   * (the first range comes with the activity that found the document long), then put together. Under
   * the batch's limit each range takes a slot of its own, the document's included.
   */
  private DocumentOutcome ocr(DocumentRef document, String summary) {
    DocumentOutcome outcome = ocrStub(summary).ocrDocument(document);
    if (!outcome.split()) {
      return outcome;
    }
    boolean limited = batch.ocrAtOnce() != null;
    if (limited) {
      inFlight--; // the document's slot: its ranges take slots one by one
    }
    List<Promise<DocumentOutcome>> ranges = new ArrayList<>();
    for (int first = OcrActivities.RANGE_PAGES + 1; first <= outcome.pages(); first += OcrActivities.RANGE_PAGES) {
      int last = Math.min(outcome.pages(), first + OcrActivities.RANGE_PAGES - 1);
      OcrActivities range = ocrStub(summary + " pages " + first + "-" + last);
      if (limited) {
        acquire();
      }
      Promise<DocumentOutcome> done = Async.function(range::ocrPages, document, first, last);
      if (limited) {
        done.handle((r, failure) -> inFlight--);
      }
      ranges.add(done);
    }
    if (!limited) {
      Promise.allOf(ranges).get();
    } else {
      // Every range ends before the document goes on, failed or not: a range still running must not
      // overlap the document's next attempt, nor hold a slot the batch no longer counts.
      ActivityFailure firstFailure = null;
      for (Promise<DocumentOutcome> range : ranges) {
        try {
          range.get();
        } catch (ActivityFailure f) {
          firstFailure = firstFailure == null ? f : firstFailure;
        }
      }
      acquire(); // the document's slot again, for putting it together (released by process)
      if (firstFailure != null) {
        throw firstFailure;
      }
    }
    return ocrStub(summary + " put together").commitPages(document, outcome.pages());
  }

  private OcrActivities ocrStub(String summary) {
    return Workflow.newActivityStub(OcrActivities.class, ActivityOptions.newBuilder(PipelineActivities.OCR)
        .setSummary(summary)
        // Where the server supports fairness, it takes OCR tasks from the sites in turn.
        .setPriority(Priority.newBuilder().setFairnessKey(batch.subdomain()).build())
        .build());
  }

  private static DocumentActivities documents(String summary) {
    return Workflow.newActivityStub(DocumentActivities.class,
        ActivityOptions.newBuilder(PipelineActivities.DOCUMENT).setSummary(summary).build());
  }

  /** {@code clerk_documents_processed_total{stage, outcome}}; the SDK drops it while replaying. */
  private void count(String outcome) {
    Workflow.getMetricsScope()
        .tagged(Map.of("stage", batch.stage().dbName(), "outcome", outcome))
        .counter("clerk_documents_processed")
        .inc(1);
  }
}
