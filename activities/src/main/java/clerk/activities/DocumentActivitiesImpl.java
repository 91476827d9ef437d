package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.deploy.BundleSummary;
import clerk.activities.deploy.EntityExtractor;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.extract.AttendanceReader;
import clerk.activities.extract.AttendanceWriter;
import clerk.activities.extract.Motion;
import clerk.activities.extract.MotionExtractor;
import clerk.activities.extract.MotionWriter;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentActivities;
import clerk.workflows.DocumentOutcome;
import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Compilation, extraction and deploy: each writes and marks its document done in one transaction. */
public class DocumentActivitiesImpl implements DocumentActivities {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(DocumentActivitiesImpl.class);

  private final SiteStorage storage;
  private final SiteRepository repository;
  private final MotionExtractor extractor;
  private final SiteBundleWriter bundleWriter;
  private final Path deployDir;

  public DocumentActivitiesImpl(
      SiteStorage storage, SiteRepository repository, MotionExtractor extractor,
      SiteBundleWriter bundleWriter, Path deployDir) {
    this.storage = storage;
    this.repository = repository;
    this.extractor = extractor;
    this.bundleWriter = bundleWriter;
    this.deployDir = deployDir;
  }

  @Override
  public DocumentOutcome compileDocument(DocumentRef d) {
    return Failures.badInputIsFinal(() -> {
      if (!repository.hasEntered(d, Stage.COMPILATION)) {
        return sentBack(d, Stage.COMPILATION);
      }
      storage.requireSiteDir(d.subdomain());
      if (!storage.isTextComplete(d)) {
        throw new BadDocumentException(storage.textDir(d), "text is missing on disk; OCR must run again");
      }
      List<String> pages = storage.readPages(d);
      // PostgreSQL text cannot hold NUL; OCR output occasionally does.
      List<String> texts = pages.stream().map(t -> t.replace("\u0000", "")).toList();
      List<String> entities = texts.stream().map(EntityExtractor::jsonOrNull).toList();
      boolean marked = repository.siteTransaction(d.subdomain(), c -> {
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM pages WHERE subdomain = ? AND document_id = ?");
            PreparedStatement insert = c.prepareStatement(
                "INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text, entities_json)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
          delete.setString(1, d.subdomain());
          delete.setString(2, d.id());
          delete.executeUpdate();
          for (int i = 0; i < pages.size(); i++) {
            insert.setString(1, d.subdomain());
            insert.setString(2, d.id());
            insert.setString(3, d.kind());
            insert.setString(4, d.meeting());
            insert.setString(5, d.date());
            insert.setInt(6, i + 1);
            insert.setString(7, texts.get(i));
            insert.setString(8, entities.get(i));
            insert.addBatch();
          }
          insert.executeBatch();
        }
        if (!repository.markCompleted(c, d, Stage.COMPILATION, pages.size(), null)) {
          c.rollback(); // the pages came from text that is being redone
          return false;
        }
        return true;
      });
      return marked
          ? new DocumentOutcome(d.id(), pages.size(), pages.size() + " pages indexed")
          : sentBack(d, Stage.COMPILATION);
    });
  }

  @Override
  public DocumentOutcome extractDocument(DocumentRef d) {
    return Failures.badInputIsFinal(() -> {
      if (!repository.hasEntered(d, Stage.EXTRACTION)) {
        return sentBack(d, Stage.EXTRACTION);
      }
      List<String> pages = repository.transaction(c -> {
        List<String> texts = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
            "SELECT text FROM pages WHERE subdomain = ? AND document_id = ? ORDER BY page")) {
          s.setString(1, d.subdomain());
          s.setString(2, d.id());
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              texts.add(r.getString(1));
            }
          }
        }
        return texts;
      });
      // Outside the site's lock: other documents of the site go on meanwhile.
      List<Motion> motions = extractor.extract(pages);
      List<AttendanceReader.Attendee> attendance = d.kind().equals(DocumentRef.MINUTES)
          ? new AttendanceReader().read(pages) : List.of();
      return repository.siteTransaction(d.subdomain(), c -> {
        MotionWriter.replace(c, d.subdomain(), d.id(), motions);
        AttendanceWriter.replace(c, d.subdomain(), d.id(), attendance);
        if (!repository.markCompleted(c, d, Stage.EXTRACTION, null, null)) {
          c.rollback(); // the motions came from pages that are being redone
          return sentBack(d, Stage.EXTRACTION);
        }
        return new DocumentOutcome(d.id(), pages.size(), motions.size() + " motions");
      });
    });
  }

  @Override
  public List<DocumentOutcome> compileDocuments(List<DocumentRef> documents) {
    return each(documents, this::compileDocument);
  }

  @Override
  public List<DocumentOutcome> extractDocuments(List<DocumentRef> documents) {
    return each(documents, this::extractDocument);
  }

  /** One outcome per document; bad input is the document's own, any other failure the batch's. */
  private static List<DocumentOutcome> each(List<DocumentRef> documents,
      java.util.function.Function<DocumentRef, DocumentOutcome> one) {
    List<DocumentOutcome> out = new ArrayList<>(documents.size());
    for (DocumentRef d : documents) {
      try {
        out.add(one.apply(d));
      } catch (io.temporal.failure.ApplicationFailure failure) {
        if (!failure.isNonRetryable()) {
          throw failure; // unavailable, or passing: the whole batch goes again
        }
        log.debug("{} failed: {}", d, failure.getOriginalMessage()); // the workflow logs it, with the stage
        out.add(DocumentOutcome.failed(d.id(), failure.getOriginalMessage()));
      }
    }
    return out;
  }

  /**
   * Reconciliation sent the document back to an earlier stage while this one was pending or running:
   * nothing is written; the pipeline runs this stage again after the earlier one.
   */
  private static DocumentOutcome sentBack(DocumentRef d, Stage stage) {
    log.info("{}: {} skipped: an earlier stage of the document runs again", d, stage.dbName());
    return DocumentOutcome.superseded(d.id(), "sent back to an earlier stage by reconciliation");
  }

  /** What a deploy attempt heartbeats: documents written of those it had to write. */
  public record DeployHeartbeat(int written, int toWrite) {}

  @Override
  public StageCounters deploySite(String subdomain) {
    return Failures.badInputIsFinal(() -> {
      ActivityExecutionContext context = Activity.getExecutionContext();
      // A retried attempt goes on from the documents the last one committed (the bundle records them).
      context.getHeartbeatDetails(DeployHeartbeat.class).ifPresent(last -> log.info(
          "{}: deploy attempt {} goes on after {} of {} documents written by the last one", subdomain,
          context.getInfo().getAttempt(), last.written(), last.toWrite()));
      BundleSummary summary;
      try (AttemptHeartbeat beat = new AttemptHeartbeat(context, "deploy " + subdomain, new DeployHeartbeat(0, 0))) {
        summary = bundleWriter.write(repository.dataSource(), subdomain, deployDir, (written, toWrite) -> {
          beat.progress(new DeployHeartbeat(written, toWrite));
          beat.checkAlive(); // an attempt Temporal gave up on stops between batches
        });
      }
      // A document the bundle left out fails deploy alone; the others are published.
      List<String> leftOut = summary.leftOut().stream().map(BundleSummary.LeftOut::documentId).toList();
      repository.siteTransaction(subdomain, c -> {
        for (BundleSummary.LeftOut d : summary.leftOut()) {
          repository.markDeployFailed(c, subdomain, d.documentId(), d.reason());
        }
        repository.markDeployed(c, subdomain, leftOut);
        return null;
      });
      summary.leftOut().forEach(d -> log.warn("{}: {}: {}", subdomain, d.documentId(), d.reason()));
      log.info("{}: deployed {} documents ({} written, {} removed), {} pages, {} motions to {}", subdomain,
          summary.documents(), summary.written(), summary.removed(), summary.pages(), summary.motions(),
          summary.dir());
      return repository.counters(subdomain, Stage.DEPLOY);
    });
  }
}
