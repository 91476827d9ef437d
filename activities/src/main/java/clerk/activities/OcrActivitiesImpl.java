package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSummary;
import clerk.activities.ocr.PageMethod;
import clerk.activities.storage.SiteStorage;
import clerk.activities.storage.TextWriter;
import clerk.workflows.DocumentOutcome;
import clerk.workflows.DocumentRef;
import clerk.workflows.OcrActivities;
import clerk.workflows.Stage;
import io.temporal.activity.Activity;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class OcrActivitiesImpl implements OcrActivities {
  private static final Logger log = LoggerFactory.getLogger(OcrActivitiesImpl.class);

  private final SiteStorage storage;
  private final SiteRepository repository;
  private final DocumentOcr ocr;
  private final MeterRegistry metrics;

  public OcrActivitiesImpl(SiteStorage storage, SiteRepository repository, DocumentOcr ocr) {
    this(storage, repository, ocr, Metrics.globalRegistry);
  }

  public OcrActivitiesImpl(
      SiteStorage storage, SiteRepository repository, DocumentOcr ocr, MeterRegistry metrics) {
    this.storage = storage;
    this.repository = repository;
    this.ocr = ocr;
    this.metrics = metrics;
  }

  /** {@code clerk_ocr_page_seconds{method}}: a histogram of seconds per page. */
  private Timer pageSeconds(PageMethod method) {
    return Timer.builder("clerk_ocr_page")
        .description("Seconds per page in the OCR activity, by how the text was obtained")
        .tag("method", method.name().toLowerCase())
        .serviceLevelObjectives(Stream.of(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
            .map(s -> Duration.ofMillis((long) (s * 1000))).toArray(Duration[]::new))
        .register(metrics);
  }

  @Override
  public DocumentOutcome ocrDocument(DocumentRef document) {
    return Failures.badInputIsFinal(() -> run(document));
  }

  private DocumentOutcome run(DocumentRef document) throws IOException {
    storage.requireSiteDir(document.subdomain());
    int done = storage.textPageCount(document);
    if (done > 0) {
      // An earlier attempt committed the text but died before recording it.
      repository.markCompleted(document, Stage.OCR, done, null);
      return new DocumentOutcome(document.id(), done, "text already on disk");
    }
    Path pdf = storage.pdf(document);
    // What the PDF is before OCR reads it: a change while OCR runs shows at the next comparison.
    SiteStorage.PdfStat stat;
    String sha256;
    try {
      stat = storage.pdfStat(document);
      sha256 = storage.sha256(document);
    } catch (java.nio.file.NoSuchFileException gone) {
      throw new BadDocumentException(pdf, "the PDF is no longer on disk (removed while queued)");
    }
    ActivityExecutionContext context = Activity.getExecutionContext();
    try (AttemptHeartbeat heartbeat = new AttemptHeartbeat(context, document.toString(), 0)) {
      // An attempt Temporal already gave up on must not take the pages over from its successor.
      heartbeat.checkAlive();
      try (TextWriter writer = storage.textWriter(document)) {
        try {
          return ocrPages(document, pdf, new SiteRepository.PdfFacts(stat.size(), stat.mtime(), sha256),
              heartbeat, writer);
        } catch (CancellationException stopped) {
          // Temporal gave up on this attempt: end with the SDK's reason, nothing more written.
          throw heartbeat.reason() != null ? heartbeat.reason() : stopped;
        } catch (BadDocumentException e) {
          if (!heartbeat.lost()) {
            writer.discard(); // no attempt reads this file again; other final failures: recordFailure
          }
          throw e;
        }
      }
    }
  }

  private DocumentOutcome ocrPages(DocumentRef document, Path pdf, SiteRepository.PdfFacts facts,
      AttemptHeartbeat heartbeat, TextWriter writer) throws IOException {
    // Resume after the pages an earlier attempt wrote (each page file there is whole).
    int first = 1;
    while (writer.pagesWritten().contains(first)) {
      first++;
    }
    if (first > 1) {
      log.info("{}: resuming OCR at page {}", document, first);
    }
    long[] pageStarted = {System.nanoTime()};
    OcrSummary summary;
    try {
      summary = ocr.ocr(pdf, first, (page, text, method) -> {
        heartbeat.checkAlive(); // an attempt Temporal gave up on writes no page
        writer.writePage(page, text);
        heartbeat.progress(page);
        long now = System.nanoTime();
        pageSeconds(method).record(now - pageStarted[0], TimeUnit.NANOSECONDS);
        pageStarted[0] = now;
      }, heartbeat::lost);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    summary.warnings().forEach(w -> log.warn("{}: {}", document, w));
    // Pages first..last came from this attempt, 1..first-1 from earlier ones.
    int pages = first - 1 + summary.pages();
    heartbeat.checkAlive(); // nor commits
    writer.commit(pages);
    String method = summary.describe() + (first > 1 ? ", resumed at page " + first : "");
    // A resumed attempt warns about its own pages only: the earlier attempt's were never recorded.
    repository.markOcrCompleted(document, pages, method, facts, storage.textBytes(document), summary.warnings());
    return new DocumentOutcome(document.id(), pages, method);
  }
}
