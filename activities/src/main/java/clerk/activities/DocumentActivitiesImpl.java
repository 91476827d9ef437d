package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.deploy.BundleSummary;
import clerk.activities.deploy.EntityExtractor;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.extract.AttendanceReader;
import clerk.activities.extract.AttendanceWriter;
import clerk.activities.extract.DocumentText;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compilation, extraction and deploy: each writes and marks its documents done in one transaction (a
 * batch of documents in one transaction for the batch, see {@link BatchTransaction}).
 */
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
    return one(compileDocuments(List.of(d)));
  }

  @Override
  public DocumentOutcome extractDocument(DocumentRef d) {
    return one(extractDocuments(List.of(d)));
  }

  /** A document's page texts, and the entities found on each page. */
  private record Pages(List<String> texts, List<String> entities) {}

  @Override
  public List<DocumentOutcome> compileDocuments(List<DocumentRef> documents) {
    return Failures.badInputIsFinal(() -> {
      String subdomain = BatchTransaction.siteOf(documents);
      Map<String, Boolean> entered = repository.hasEntered(subdomain, ids(documents), Stage.COMPILATION);
      storage.requireSiteDir(subdomain);
      BatchTransaction<Pages> batch = new BatchTransaction<>(subdomain, Stage.COMPILATION, documents.size());
      for (int i = 0; i < documents.size(); i++) {
        if (!entered.get(documents.get(i).id())) {
          batch.sentBack(i, documents.get(i));
          continue;
        }
        batch.prepare(i, documents.get(i), (index, d) -> {
          if (!storage.isTextComplete(d)) {
            storage.requireSiteDir(subdomain); // unmounted meanwhile: Unavailable, not the document's fault
            throw new BadDocumentException(storage.textDir(d), "text is missing on disk; OCR must run again");
          }
          // PostgreSQL text cannot hold NUL; OCR output occasionally does.
          List<String> texts = storage.readPages(d).stream().map(t -> t.replace("\u0000", "")).toList();
          List<String> entities = texts.stream().map(EntityExtractor::jsonOrNull).toList();
          return new BatchTransaction.Ready<>(index, d, texts.size(), new Pages(texts, entities),
              new DocumentOutcome(d.id(), texts.size(), texts.size() + " pages indexed"));
        });
      }
      return batch.write(repository, DocumentActivitiesImpl::replacePages);
    });
  }

  /** The documents' rows in {@code pages}, in place of those they had. */
  private static void replacePages(Connection c, List<BatchTransaction.Ready<Pages>> documents) throws SQLException {
    if (documents.isEmpty()) {
      return;
    }
    try (PreparedStatement delete = c.prepareStatement(
            "DELETE FROM pages WHERE subdomain = ? AND document_id = ANY (?)");
        PreparedStatement insert = c.prepareStatement(
            "INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text, entities_json)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      delete.setString(1, documents.get(0).document().subdomain());
      delete.setArray(2, c.createArrayOf("text", documents.stream().map(r -> r.document().id()).toArray()));
      delete.executeUpdate();
      for (BatchTransaction.Ready<Pages> r : documents) {
        DocumentRef d = r.document();
        for (int i = 0; i < r.rows().texts().size(); i++) {
          insert.setString(1, d.subdomain());
          insert.setString(2, d.id());
          insert.setString(3, d.kind());
          insert.setString(4, d.meeting());
          insert.setString(5, d.date());
          insert.setInt(6, i + 1);
          insert.setString(7, r.rows().texts().get(i));
          insert.setString(8, r.rows().entities().get(i));
          insert.addBatch();
        }
      }
      insert.executeBatch();
    }
  }

  /** A document's motions and roll call. */
  private record Found(List<Motion> motions, List<AttendanceReader.Attendee> attendance) {}

  @Override
  public List<DocumentOutcome> extractDocuments(List<DocumentRef> documents) {
    return Failures.badInputIsFinal(() -> {
      String subdomain = BatchTransaction.siteOf(documents);
      Map<String, Boolean> entered = repository.hasEntered(subdomain, ids(documents), Stage.EXTRACTION);
      Map<String, List<String>> pages = pageTexts(subdomain,
          documents.stream().map(DocumentRef::id).filter(entered::get).toList());
      BatchTransaction<Found> batch = new BatchTransaction<>(subdomain, Stage.EXTRACTION, documents.size());
      for (int i = 0; i < documents.size(); i++) {
        if (!entered.get(documents.get(i).id())) {
          batch.sentBack(i, documents.get(i));
          continue;
        }
        // Outside the transaction: the site's other documents go on meanwhile.
        batch.prepare(i, documents.get(i), (index, d) -> {
          List<String> texts = pages.getOrDefault(d.id(), List.of());
          DocumentText text = DocumentText.of(texts);
          List<Motion> motions = extractor.extract(text);
          List<AttendanceReader.Attendee> attendance = d.kind().equals(DocumentRef.MINUTES)
              ? new AttendanceReader().read(text) : List.of();
          return new BatchTransaction.Ready<>(index, d, null, new Found(motions, attendance),
              new DocumentOutcome(d.id(), texts.size(), motions.size() + " motions"));
        });
      }
      return batch.write(repository, (c, written) -> {
        Map<String, List<Motion>> motions = new LinkedHashMap<>();
        Map<String, List<AttendanceReader.Attendee>> attendance = new LinkedHashMap<>();
        for (BatchTransaction.Ready<Found> r : written) {
          motions.put(r.document().id(), r.rows().motions());
          attendance.put(r.document().id(), r.rows().attendance());
        }
        MotionWriter.replace(c, subdomain, motions);
        AttendanceWriter.replace(c, subdomain, attendance);
      });
    });
  }

  /** The page texts of the documents, by document, in page order: one query for them all. */
  private Map<String, List<String>> pageTexts(String subdomain, List<String> documentIds) {
    return repository.transaction(c -> {
      Map<String, List<String>> texts = new HashMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT document_id, text FROM pages"
          + " WHERE subdomain = ? AND document_id = ANY (?) ORDER BY document_id, page")) {
        s.setString(1, subdomain);
        s.setArray(2, c.createArrayOf("text", documentIds.toArray()));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            texts.computeIfAbsent(r.getString(1), id -> new ArrayList<>()).add(r.getString(2));
          }
        }
      }
      return texts;
    });
  }

  private static List<String> ids(List<DocumentRef> documents) {
    return documents.stream().map(DocumentRef::id).toList();
  }

  /** The one document's outcome; its failure (bad input) fails the activity, for good. */
  private static DocumentOutcome one(List<DocumentOutcome> outcomes) {
    DocumentOutcome outcome = outcomes.get(0);
    if (outcome.failure() != null) {
      return Failures.badInputIsFinal(() -> {
        throw new BadDocumentException(outcome.failure());
      });
    }
    return outcome;
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
