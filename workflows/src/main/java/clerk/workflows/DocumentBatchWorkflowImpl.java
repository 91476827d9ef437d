package clerk.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.Priority;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
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
    // Batches started before OCR read text layers in one activity ran every document on its own.
    boolean oneByOne = batch.stage() == Stage.OCR
        && Workflow.getVersion("ocr-text-layers-in-one-activity", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION;
    List<DocumentRef> todo = oneByOne ? batch.documents() : inParts(batch.documents());
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
    // The embedded server can answer NOT_FOUND for a moment while the pipeline continues as new
    // (a rejected completion and its retry): asked again a few times before the report is given up.
    int retries = Workflow.getVersion("batch-done-asked-again", Workflow.DEFAULT_VERSION, 1) == 1 ? 3 : 0;
    for (int attempt = 0; ; attempt++) {
      try {
        Workflow.newExternalWorkflowStub(SitePipelineWorkflow.class, batch.pipelineWorkflowId()).batchDone(result);
        return result;
      } catch (RuntimeException pipelineGone) {
        if (attempt >= retries) {
          // Terminated or finished meanwhile: the documents' state is in the database, which the next
          // pipeline run (reconciliation starts one) reads.
          log.info("{}: {} done, the site pipeline is not there to hear it: {}", batch.subdomain(),
              batch.batchId(), pipelineGone.getMessage());
          return result;
        }
        Workflow.sleep(Duration.ofSeconds(5L << attempt));
      }
    }
  }

  /**
   * OCR reads a batch's text layers in as many activities as the batch may keep in flight (versioned
   * {@code text-layers-in-parts}): with one, the batch's OCR slot stood idle from the moment its
   * activity ended until the pipeline had heard of it and started the next batch; with parts, another
   * part is waiting for the slot. Documents left by every part run one by one, as before.
   */
  private List<DocumentRef> inParts(List<DocumentRef> documents) {
    int parts = batch.stage() == Stage.OCR
        && Workflow.getVersion("text-layers-in-parts", Workflow.DEFAULT_VERSION, 1) == 1
        ? Math.min(atOnce(), documents.size()) : 1;
    if (parts <= 1) {
      return inOneActivity(documents);
    }
    List<Promise<List<DocumentRef>>> running = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      List<DocumentRef> part = List.copyOf(
          documents.subList(i * documents.size() / parts, (i + 1) * documents.size() / parts));
      running.add(Async.function(this::inOneActivity, part));
    }
    List<DocumentRef> left = new ArrayList<>();
    for (Promise<List<DocumentRef>> part : running) {
      left.addAll(part.get());
    }
    return left;
  }

  /**
   * Runs the batch's documents through the stage in one activity (for OCR: those with text layers
   * only); returns the documents left to run one by one: for OCR those with a page that needs
   * Tesseract, and all of them when the batch activity failed for a reason other than an outage.
   */
  private List<DocumentRef> inOneActivity(List<DocumentRef> documents) {
    String summary = batch.stage().dbName() + " of " + documents.size() + " document(s) from " + documents.get(0).id();
    while (true) {
      try {
        List<DocumentOutcome> outcomes = switch (batch.stage()) {
          case OCR -> Workflow.newActivityStub(OcrActivities.class, ActivityOptions.newBuilder(PipelineActivities.OCR)
                  .setSummary("text layers: " + summary)
                  .setRetryOptions(PipelineActivities.DOCUMENTS.getRetryOptions())
                  .setPriority(fairness())
                  .build())
              .ocrDocuments(documents);
          case COMPILATION -> documentsStub(summary).compileDocuments(documents);
          default -> documentsStub(summary).extractDocuments(documents);
        };
        Map<String, DocumentRef> byId = new java.util.HashMap<>();
        documents.forEach(d -> byId.put(d.id(), d));
        List<DocumentRef> left = new ArrayList<>();
        for (DocumentOutcome outcome : outcomes) {
          if (outcome.deferred()) {
            left.add(byId.get(outcome.documentId()));
          } else if (outcome.superseded()) {
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
        return left;
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

  private static DocumentActivities documentsStub(String summary) {
    return Workflow.newActivityStub(DocumentActivities.class,
        ActivityOptions.newBuilder(PipelineActivities.DOCUMENTS).setSummary(summary).build());
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
        .setPriority(fairness())
        .build());
  }

  /** Where the server supports fairness, it takes OCR tasks from the sites in turn. */
  private Priority fairness() {
    return Priority.newBuilder().setFairnessKey(batch.subdomain()).build();
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
