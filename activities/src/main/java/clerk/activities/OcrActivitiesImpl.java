package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSummary;
import clerk.activities.storage.SiteStorage;
import clerk.activities.storage.TextWriter;
import clerk.workflows.DocumentOutcome;
import clerk.workflows.DocumentRef;
import clerk.workflows.OcrActivities;
import clerk.workflows.Stage;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class OcrActivitiesImpl implements OcrActivities {
  private static final Logger log = LoggerFactory.getLogger(OcrActivitiesImpl.class);

  private final SiteStorage storage;
  private final SiteRepository repository;
  private final DocumentOcr ocr;

  public OcrActivitiesImpl(SiteStorage storage, SiteRepository repository, DocumentOcr ocr) {
    this.storage = storage;
    this.repository = repository;
    this.ocr = ocr;
  }

  @Override
  public DocumentOutcome ocrDocument(DocumentRef document) {
    return Failures.badInputIsFinal(() -> run(document));
  }

  private DocumentOutcome run(DocumentRef document) throws IOException {
    int done = storage.textPageCount(document);
    if (done > 0) {
      // An earlier attempt committed the text but died before recording it.
      repository.markCompleted(document, Stage.OCR, done, null);
      return new DocumentOutcome(document.id(), done, "text already on disk");
    }
    Path pdf = storage.pdf(document);
    ActivityExecutionContext context = Activity.getExecutionContext();
    try (TextWriter writer = storage.textWriter(document)) {
      // Resume after the pages an earlier attempt wrote (each page file there is whole).
      int first = 1;
      while (writer.pagesWritten().contains(first)) {
        first++;
      }
      if (first > 1) {
        log.info("{}: resuming OCR at page {}", document, first);
      }
      OcrSummary summary = ocr.ocr(pdf, first, (page, text, method) -> {
        writer.writePage(page, text);
        context.heartbeat(page);
      });
      summary.warnings().forEach(w -> log.warn("{}: {}", document, w));
      // Pages first..last came from this attempt, 1..first-1 from earlier ones.
      int pages = first - 1 + summary.pages();
      writer.commit(pages);
      String method = summary.describe() + (first > 1 ? ", resumed at page " + first : "");
      repository.markCompleted(document, Stage.OCR, pages, method);
      return new DocumentOutcome(document.id(), pages, method);
    } catch (BadDocumentException e) {
      // No retry will read this file: leave no partial folder behind.
      storage.removeText(document);
      throw e;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
