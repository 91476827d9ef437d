package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSummary;
import clerk.activities.ocr.PageMethod;
import clerk.activities.storage.PageRanges;
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
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
  /**
   * {@code clerk_ocr_page_seconds{method}}: seconds per page. Registered once: looked up per page, it
   * cost more than reading the page's text layer.
   */
  private final Map<PageMethod, Timer> pageSeconds = new EnumMap<>(PageMethod.class);

  public OcrActivitiesImpl(SiteStorage storage, SiteRepository repository, DocumentOcr ocr) {
    this(storage, repository, ocr, Metrics.globalRegistry);
  }

  public OcrActivitiesImpl(
      SiteStorage storage, SiteRepository repository, DocumentOcr ocr, MeterRegistry metrics) {
    this.storage = storage;
    this.repository = repository;
    this.ocr = ocr;
    for (PageMethod method : PageMethod.values()) {
      pageSeconds.put(method, Timer.builder("clerk_ocr_page")
          .description("Seconds per page in the OCR activity, by how the text was obtained")
          .tag("method", method.name().toLowerCase())
          .serviceLevelObjectives(Stream.of(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
              .map(s -> Duration.ofMillis((long) (s * 1000))).toArray(Duration[]::new))
          .register(metrics));
    }
  }

  @Override
  public DocumentOutcome ocrDocument(DocumentRef document) {
    return Failures.badInputIsFinal(() -> run(document));
  }

  private DocumentOutcome run(DocumentRef document) throws IOException {
    DocumentOutcome already = textOnDisk(document);
    if (already != null) {
      return already;
    }
    Path pdf = storage.pdf(document);
    SiteRepository.PdfFacts facts = pdfFacts(document, pdf);
    PageRanges ranges = storage.ranges(document);
    int pages = ocr.pageCount(pdf);
    if (pages > OcrActivities.SPLIT_ABOVE) {
      // A long document: its ranges go to several OCR activities at once. The PDF's facts are kept
      // with the ranges, so the document records the file its first range read.
      if (ranges.readNote(PDF_NOTE) == null) {
        ranges.writeNote(PDF_NOTE, facts.size() + " " + facts.mtime() + " " + facts.sha256());
      }
      ocrRange(document, pdf, 1, OcrActivities.RANGE_PAGES);
      int count = (pages + OcrActivities.RANGE_PAGES - 1) / OcrActivities.RANGE_PAGES;
      return DocumentOutcome.split(document.id(), pages,
          pages + " pages in " + count + " ranges of " + OcrActivities.RANGE_PAGES);
    }
    ActivityExecutionContext context = Activity.getExecutionContext();
    try (AttemptHeartbeat heartbeat = new AttemptHeartbeat(context, document.toString(), 0)) {
      // An attempt Temporal already gave up on must not take the pages over from its successor.
      heartbeat.checkAlive();
      try (TextWriter writer = storage.textWriter(document)) {
        try {
          return ocrPages(document, pdf, facts, heartbeat, writer);
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

  private static final String PDF_NOTE = "pdf";

  @Override
  public List<DocumentOutcome> ocrDocuments(List<DocumentRef> documents) {
    List<DocumentOutcome> out = new ArrayList<>(documents.size());
    // Recorded in one transaction at the end (one commit for the batch, not one per document); a
    // crash before it leaves committed text, which the next attempt finds and records.
    List<SiteRepository.OcrCompletion> toRecord = new ArrayList<>();
    ActivityExecutionContext context = Activity.getExecutionContext();
    try (AttemptHeartbeat heartbeat = new AttemptHeartbeat(context,
        "text layers of " + documents.size() + " document(s)", 0)) {
      for (DocumentRef document : documents) {
        heartbeat.checkAlive(); // an attempt Temporal gave up on commits nothing more
        try {
          out.add(Failures.badInputIsFinal(() -> textLayers(document, heartbeat, toRecord)));
        } catch (ApplicationFailure failure) {
          if (!failure.isNonRetryable()) {
            throw failure; // unavailable: the whole batch waits and goes again
          }
          log.debug("{} failed OCR: {}", document, failure.getOriginalMessage()); // the workflow logs it
          out.add(DocumentOutcome.failed(document.id(), failure.getOriginalMessage()));
        }
        heartbeat.progress(out.size());
      }
      heartbeat.checkAlive();
      Failures.badInputIsFinal(() -> {
        repository.markOcrCompleted(toRecord);
        return null;
      });
    }
    return out;
  }

  /** The document's text is committed (an earlier attempt died before recording it): recorded now. */
  private DocumentOutcome textOnDisk(DocumentRef document) {
    storage.requireSiteDir(document.subdomain());
    int done = storage.textPageCount(document);
    if (done == 0) {
      return null;
    }
    repository.markCompleted(document, Stage.OCR, done, null);
    return new DocumentOutcome(document.id(), done, "text already on disk");
  }

  /** One document of {@link #ocrDocuments}: its text layers, or deferred at the first page without one. */
  private DocumentOutcome textLayers(DocumentRef document, AttemptHeartbeat heartbeat,
      List<SiteRepository.OcrCompletion> toRecord) throws IOException {
    DocumentOutcome already = textOnDisk(document);
    if (already != null) {
      return already;
    }
    Path pdf = storage.pdf(document);
    SiteRepository.PdfFacts facts = pdfFacts(document, pdf);
    try (TextWriter writer = storage.textWriter(document)) {
      OcrSummary summary;
      long[] pageStarted = {System.nanoTime()};
      try {
        summary = ocr.textLayers(pdf, (page, text, method) -> {
          writer.writePage(page, text);
          long now = System.nanoTime();
          pageSeconds.get(method).record(now - pageStarted[0], TimeUnit.NANOSECONDS);
          pageStarted[0] = now;
        });
      } catch (DocumentOcr.NeedsTesseract scan) {
        if (scan.pages() > OcrActivities.SPLIT_ABOVE) {
          writer.discard(); // read in page ranges, which do not resume from this folder
        } // else the pages written are kept: the document's own activity resumes after them
        return DocumentOutcome.deferred(document.id(), scan.getMessage());
      } catch (BadDocumentException e) {
        writer.discard(); // no attempt reads this file again
        throw e;
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      summary.warnings().forEach(w -> log.warn("{}: {}", document, w));
      heartbeat.checkAlive();
      writer.commit(summary.pages());
      toRecord.add(new SiteRepository.OcrCompletion(document, summary.pages(), summary.describe(), facts,
          storage.textBytes(document), summary.warnings()));
      return new DocumentOutcome(document.id(), summary.pages(), summary.describe());
    }
  }

  /** What the PDF is before OCR reads it: a change while OCR runs shows at the next comparison. */
  private SiteRepository.PdfFacts pdfFacts(DocumentRef document, Path pdf) throws IOException {
    try {
      SiteStorage.PdfStat stat = storage.pdfStat(document);
      return new SiteRepository.PdfFacts(stat.size(), stat.mtime(), storage.sha256(document));
    } catch (java.nio.file.NoSuchFileException gone) {
      throw new BadDocumentException(pdf, "the PDF is no longer on disk (removed while queued)");
    }
  }

  @Override
  public DocumentOutcome ocrPages(DocumentRef document, int first, int last) {
    return Failures.badInputIsFinal(() -> {
      storage.requireSiteDir(document.subdomain());
      String how = ocrRange(document, storage.pdf(document), first, last);
      return new DocumentOutcome(document.id(), last - first + 1, "pages " + first + "-" + last + ": " + how);
    });
  }

  /** OCRs one range of a split document into its own committed folder; a committed one is kept. */
  private String ocrRange(DocumentRef document, Path pdf, int first, int last) throws IOException {
    PageRanges ranges = storage.ranges(document);
    if (ranges.committed(first, last) || storage.textPageCount(document) > 0) {
      return "already done"; // this range, or the whole document put together
    }
    ActivityExecutionContext context = Activity.getExecutionContext();
    try (AttemptHeartbeat heartbeat = new AttemptHeartbeat(context, document + " pages " + first + "-" + last, first);
        TextWriter writer = ranges.writer(first)) {
      heartbeat.checkAlive();
      int from = first;
      while (writer.pagesWritten().contains(from)) {
        from++;
      }
      String how = "resumed at page " + from;
      if (from <= last) {
        long[] pageStarted = {System.nanoTime()};
        try {
          how = ocr.ocr(pdf, from, last, (page, text, method) -> {
            heartbeat.checkAlive();
            writer.writePage(page, text);
            heartbeat.progress(page);
            long now = System.nanoTime();
            pageSeconds.get(method).record(now - pageStarted[0], TimeUnit.NANOSECONDS);
            pageStarted[0] = now;
          }, heartbeat::lost).describe();
        } catch (CancellationException stopped) {
          throw heartbeat.reason() != null ? heartbeat.reason() : stopped;
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
      heartbeat.checkAlive();
      writer.commit(first, last);
      return how;
    }
  }

  @Override
  public DocumentOutcome commitPages(DocumentRef document, int pages) {
    return Failures.badInputIsFinal(() -> {
      storage.requireSiteDir(document.subdomain());
      PageRanges ranges = storage.ranges(document);
      int count = (pages + OcrActivities.RANGE_PAGES - 1) / OcrActivities.RANGE_PAGES;
      String method = pages + " pages OCRed in " + count + " ranges at once";
      if (storage.textPageCount(document) != pages) {
        for (int first = 1; first <= pages; first += OcrActivities.RANGE_PAGES) {
          int last = Math.min(pages, first + OcrActivities.RANGE_PAGES - 1);
          if (!ranges.committed(first, last)) {
            throw new IOException(document + ": pages " + first + "-" + last + " are not OCRed yet");
          }
        }
        String note = ranges.readNote(PDF_NOTE);
        SiteRepository.PdfFacts facts;
        if (note == null) {
          facts = pdfFacts(document, storage.pdf(document));
        } else {
          String[] f = note.split(" ");
          facts = new SiteRepository.PdfFacts(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]);
        }
        ranges.join(pages);
        repository.markOcrCompleted(document, pages, method, facts, storage.textBytes(document));
      } else {
        repository.markCompleted(document, Stage.OCR, pages, null); // joined before a crash
      }
      return new DocumentOutcome(document.id(), pages, method);
    });
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
        pageSeconds.get(method).record(now - pageStarted[0], TimeUnit.NANOSECONDS);
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
