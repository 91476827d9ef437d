package clerk.activities.db;

import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Sites and documents in PostgreSQL. Application code only moves document statuses; the site counters
 * follow from a trigger in the same transaction (see V1__sites_documents.sql), so they stay exact
 * under retries, duplicates and crashes.
 */
public final class SiteRepository {
  private final DataSource db;

  public SiteRepository(DataSource db) {
    this.db = db;
  }

  public DataSource dataSource() {
    return db;
  }

  /** Work inside one transaction, committed when it returns, rolled back when it throws. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  public <T> T transaction(Work<T> work) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  /** Registers a site if it is new; returns true when it was. */
  public boolean ensureSite(String subdomain, String name) {
    return transaction(c -> ensureSite(c, subdomain, name));
  }

  /** {@link #ensureSite(String, String)} inside the caller's transaction. */
  public boolean ensureSite(Connection c, String subdomain, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO sites (subdomain, name) VALUES (?, ?) ON CONFLICT (subdomain) DO NOTHING")) {
      s.setString(1, subdomain);
      s.setString(2, name == null ? "" : name);
      return s.executeUpdate() == 1;
    }
  }

  public boolean siteExists(String subdomain) {
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM sites WHERE subdomain = ?")) {
        s.setString(1, subdomain);
        try (ResultSet r = s.executeQuery()) {
          return r.next();
        }
      }
    });
  }

  /**
   * Brings the site's documents in line with the disk: registers new PDFs, marks OCR completed where
   * the text is already on disk, sends a document whose text vanished back to pending (with the
   * stages after it), and forgets documents whose PDF is gone. Failed documents stay failed.
   *
   * @param textPages pages of each document whose text is complete on disk, by document id
   */
  public Sync syncDocuments(String subdomain, List<DocumentRef> onDisk, Map<String, Integer> textPages) {
    return transaction(c -> syncDocuments(c, subdomain, onDisk, textPages));
  }

  /** What {@link #syncDocuments} changed: documents registered, text found, text lost, removed. */
  public record Sync(int registered, int textFound, int textLost, int removed) {
    public boolean changed() {
      return registered + textFound + textLost + removed > 0;
    }
  }

  /** {@link #syncDocuments(String, List, Map)} inside the caller's transaction. */
  public Sync syncDocuments(
      Connection c, String subdomain, List<DocumentRef> onDisk, Map<String, Integer> textPages)
      throws SQLException {
    Map<String, String> known = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT document_id, ocr_status FROM documents WHERE subdomain = ? FOR UPDATE")) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          known.put(r.getString(1), r.getString(2));
        }
      }
    }
    int registered = 0;
    int textFound = 0;
    int textLost = 0;
    try (PreparedStatement insert = c.prepareStatement(
            "INSERT INTO documents (subdomain, document_id, kind, meeting, date, pages, ocr_method,"
                + " ocr_status, ocr_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement found = c.prepareStatement(
            "UPDATE documents SET ocr_status = 'completed', pages = ?, ocr_at = now(), updated_at = now(),"
                + " ocr_method = coalesce(ocr_method, 'text found on disk'),"
                + " error = NULL, error_stage = NULL WHERE subdomain = ? AND document_id = ?");
        PreparedStatement lost = c.prepareStatement(
            "UPDATE documents SET ocr_status = 'pending', compilation_status = 'pending',"
                + " extraction_status = 'pending', deploy_status = 'pending', updated_at = now()"
                + " WHERE subdomain = ? AND document_id = ?");
        PreparedStatement gone = c.prepareStatement(
            "DELETE FROM documents WHERE subdomain = ? AND document_id = ?")) {
      for (DocumentRef d : onDisk) {
        Integer pages = textPages.get(d.id());
        String status = known.remove(d.id());
        if (status == null) {
          insert.setString(1, subdomain);
          insert.setString(2, d.id());
          insert.setString(3, d.kind());
          insert.setString(4, d.meeting());
          insert.setString(5, d.date());
          insert.setObject(6, pages);
          insert.setString(7, pages == null ? null : "text found on disk");
          insert.setString(8, pages == null ? "pending" : "completed");
          insert.setTimestamp(9, pages == null ? null : Timestamp.from(Instant.now()));
          insert.addBatch();
          registered++;
        } else if (pages != null && !status.equals("completed")) {
          found.setInt(1, pages);
          found.setString(2, subdomain);
          found.setString(3, d.id());
          found.addBatch();
          textFound++;
        } else if (pages == null && status.equals("completed")) {
          lost.setString(1, subdomain);
          lost.setString(2, d.id());
          lost.addBatch();
          textLost++;
        }
      }
      for (String id : known.keySet()) {
        gone.setString(1, subdomain);
        gone.setString(2, id);
        gone.addBatch();
      }
      insert.executeBatch();
      found.executeBatch();
      lost.executeBatch();
      gone.executeBatch();
    }
    return new Sync(registered, textFound, textLost, known.size());
  }

  /** Moves the site into a stage and returns the stage's counters. */
  public StageCounters enterStage(String subdomain, Stage stage) {
    transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE sites SET current_stage = ?, updated_at = now(), coordinator_enqueued = true,"
              + " started_at = CASE WHEN ? THEN now() ELSE coalesce(started_at, now()) END,"
              + " completed_at = NULL WHERE subdomain = ?")) {
        s.setString(1, stage.dbName());
        s.setBoolean(2, stage == Stage.OCR && !"ocr".equals(currentStage(c, subdomain)));
        s.setString(3, subdomain);
        if (s.executeUpdate() != 1) {
          throw new IllegalArgumentException("unknown site " + subdomain + ": add it with 'clerk sites add'");
        }
      }
      return null;
    });
    return counters(subdomain, stage);
  }

  private static String currentStage(Connection c, String subdomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT current_stage FROM sites WHERE subdomain = ?")) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  /** The condition a document must meet to be part of a stage: every earlier stage completed. */
  static String entered(Stage stage) {
    StringBuilder sql = new StringBuilder("TRUE");
    for (Stage earlier : Stage.values()) {
      if (earlier.ordinal() >= stage.ordinal()) {
        break;
      }
      sql.append(" AND ").append(earlier.dbName()).append("_status = 'completed'");
    }
    return sql.toString();
  }

  /** Up to {@code limit} documents of the stage still pending, ordered by id, after {@code afterId}. */
  public List<DocumentRef> pendingDocuments(String subdomain, Stage stage, String afterId, int limit) {
    String sql = "SELECT kind, meeting, date FROM documents WHERE subdomain = ? AND " + entered(stage)
        + " AND " + stage.dbName() + "_status = 'pending' AND document_id COLLATE \"C\" > ?"
        + " ORDER BY document_id COLLATE \"C\" LIMIT ?";
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, subdomain);
        s.setString(2, afterId == null ? "" : afterId);
        s.setInt(3, limit);
        List<DocumentRef> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new DocumentRef(subdomain, r.getString(1), r.getString(2), r.getString(3)));
          }
        }
        return out;
      }
    });
  }

  /**
   * Marks a document completed in a stage, inside the caller's transaction (with the stage's own
   * writes). Running it twice changes nothing the second time.
   *
   * @return false, changing nothing, when an earlier stage of the document is no longer completed:
   *     reconciliation sent it back (its text vanished) while this stage worked on the old output, so
   *     the caller must roll its writes back and the stage runs again after the earlier one
   */
  public boolean markCompleted(Connection c, DocumentRef d, Stage stage, Integer pages, String ocrMethod)
      throws SQLException {
    String st = stage.dbName();
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE documents SET " + st + "_status = 'completed', " + st + "_at = now(), updated_at = now(),"
            + " pages = coalesce(?, pages), ocr_method = coalesce(?, ocr_method),"
            + " error = CASE WHEN error_stage = ? THEN NULL ELSE error END,"
            + " error_stage = CASE WHEN error_stage = ? THEN NULL ELSE error_stage END"
            + " WHERE subdomain = ? AND document_id = ? AND " + entered(stage))) {
      s.setObject(1, pages);
      s.setString(2, ocrMethod);
      s.setString(3, st);
      s.setString(4, st);
      s.setString(5, d.subdomain());
      s.setString(6, d.id());
      if (s.executeUpdate() == 1) {
        return true;
      }
    }
    if (!isRegistered(c, d)) {
      throw new IllegalStateException("document " + d + " is not registered");
    }
    return false;
  }

  public boolean markCompleted(DocumentRef d, Stage stage, Integer pages, String ocrMethod) {
    return transaction(c -> markCompleted(c, d, stage, pages, ocrMethod));
  }

  /** Whether the document has completed every stage before {@code stage}, so it may run it. */
  public boolean hasEntered(DocumentRef d, Stage stage) {
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT " + entered(stage) + " FROM documents WHERE subdomain = ? AND document_id = ?")) {
        s.setString(1, d.subdomain());
        s.setString(2, d.id());
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            throw new IllegalStateException("document " + d + " is not registered");
          }
          return r.getBoolean(1);
        }
      }
    });
  }

  private static boolean isRegistered(Connection c, DocumentRef d) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT 1 FROM documents WHERE subdomain = ? AND document_id = ?")) {
      s.setString(1, d.subdomain());
      s.setString(2, d.id());
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  /**
   * Records that documents failed a stage for good, with the reason. Only pending documents move: a
   * document that did complete (its success report was lost) stays completed.
   *
   * @param documentId one document, or null for every pending document of the stage
   */
  public StageCounters markFailed(String subdomain, Stage stage, String documentId, String reason) {
    String st = stage.dbName();
    transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE documents SET " + st + "_status = 'failed', " + st + "_at = now(), updated_at = now(),"
              + " error_stage = ?, error = ? WHERE subdomain = ? AND " + entered(stage) + " AND "
              + st + "_status = 'pending' AND (?::text IS NULL OR document_id = ?)")) {
        s.setString(1, st);
        s.setString(2, reason);
        s.setString(3, subdomain);
        s.setString(4, documentId);
        s.setString(5, documentId);
        s.executeUpdate();
      }
      return null;
    });
    return counters(subdomain, stage);
  }

  public StageCounters counters(String subdomain, Stage stage) {
    String st = stage.dbName();
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT " + st + "_total, " + st + "_completed, " + st + "_failed FROM sites WHERE subdomain = ?")) {
        s.setString(1, subdomain);
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            throw new IllegalArgumentException("unknown site " + subdomain);
          }
          return new StageCounters(stage, r.getInt(1), r.getInt(2), r.getInt(3));
        }
      }
    });
  }

  /** Marks the site completed: the pipeline has nothing left to do. */
  public void completeSite(String subdomain, String note) {
    transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE sites SET current_stage = 'completed', completed_at = now(), updated_at = now(),"
              + " coordinator_enqueued = false, note = ? WHERE subdomain = ?")) {
        s.setString(1, note);
        s.setString(2, subdomain);
        s.executeUpdate();
      }
      return null;
    });
  }

  /** Marks every pending document of the site that completed extraction as deployed. */
  public void markDeployed(Connection c, String subdomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE documents SET deploy_status = 'completed', deploy_at = now(), updated_at = now()"
            + " WHERE subdomain = ? AND " + entered(Stage.DEPLOY) + " AND deploy_status <> 'completed'")) {
      s.setString(1, subdomain);
      s.executeUpdate();
    }
  }

  /**
   * Sets the counters to the aggregate over the documents (what the trigger maintains incrementally).
   * Returns true when they differed, i.e. something had changed them behind the trigger's back.
   */
  public boolean recountCounters(String subdomain) {
    return transaction(c -> recountCounters(c, subdomain));
  }

  /** {@link #recountCounters(String)} inside the caller's transaction. */
  public boolean recountCounters(Connection c, String subdomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(RECOUNT_SQL)) {
      s.setString(1, subdomain);
      s.setString(2, subdomain);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getBoolean(1);
      }
    }
  }

  private static final String RECOUNT_SQL = recountSql();

  private static String recountSql() {
    StringBuilder agg = new StringBuilder();
    StringBuilder sets = new StringBuilder();
    StringBuilder differ = new StringBuilder("FALSE");
    for (Stage stage : List.of(Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION, Stage.DEPLOY)) {
      String st = stage.dbName();
      String in = entered(stage);
      agg.append(agg.length() == 0 ? "" : ", ")
          .append("count(*) FILTER (WHERE ").append(in).append(") AS ").append(st).append("_total, ")
          .append("count(*) FILTER (WHERE ").append(in).append(" AND ").append(st)
          .append("_status = 'completed') AS ").append(st).append("_completed, ")
          .append("count(*) FILTER (WHERE ").append(in).append(" AND ").append(st)
          .append("_status = 'failed') AS ").append(st).append("_failed");
      for (String col : List.of(st + "_total", st + "_completed", st + "_failed")) {
        sets.append(sets.length() == 0 ? "" : ", ").append(col).append(" = a.").append(col);
        differ.append(" OR s.").append(col).append(" <> a.").append(col);
      }
    }
    return "WITH a AS (SELECT " + agg + " FROM documents WHERE subdomain = ?),"
        + " old AS (SELECT s.subdomain, (" + differ + ") AS changed FROM sites s, a WHERE s.subdomain = ?)"
        + " UPDATE sites SET " + sets + " FROM a, old WHERE sites.subdomain = old.subdomain"
        + " RETURNING old.changed";
  }

  /** The site's row, locked until the caller's transaction ends; null when there is no such site. */
  public SiteRow lockSite(Connection c, String subdomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT * FROM sites WHERE subdomain = ? FOR UPDATE")) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? SiteRow.from(r) : null;
      }
    }
  }

  /** Reads the site's row inside the caller's transaction. */
  public SiteRow site(Connection c, String subdomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT * FROM sites WHERE subdomain = ?")) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? SiteRow.from(r) : null;
      }
    }
  }

  /**
   * Sends compiled documents whose page rows are missing or incomplete back to compilation (with the
   * stages after it). Returns how many.
   */
  public int resetCompilationWithoutPages(Connection c, String subdomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE documents d SET compilation_status = 'pending', extraction_status = 'pending',"
            + " deploy_status = 'pending', updated_at = now()"
            + " WHERE d.subdomain = ? AND d.ocr_status = 'completed' AND d.compilation_status = 'completed'"
            + " AND (SELECT count(*) FROM pages p WHERE p.subdomain = d.subdomain"
            + " AND p.document_id = d.document_id) IS DISTINCT FROM d.pages::bigint")) {
      s.setString(1, subdomain);
      return s.executeUpdate();
    }
  }

  /** Sends the site's deployed documents back to deploy (the bundle is gone). Returns how many. */
  public int resetDeploy(Connection c, String subdomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE documents SET deploy_status = 'pending', updated_at = now()"
            + " WHERE subdomain = ? AND deploy_status = 'completed'")) {
      s.setString(1, subdomain);
      return s.executeUpdate();
    }
  }

  /**
   * Sets the site's stage as reconciliation derived it. Entering {@code completed} also closes the
   * site the way the pipeline would, with a note saying who did it.
   */
  public void setStage(Connection c, String subdomain, Stage stage, String note) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE sites SET current_stage = ?, note = coalesce(?, note),"
            + " completed_at = CASE WHEN ? THEN now() ELSE NULL END,"
            + " coordinator_enqueued = coordinator_enqueued AND NOT ? WHERE subdomain = ?")) {
      boolean completed = stage == Stage.COMPLETED;
      s.setString(1, stage.dbName());
      s.setString(2, note);
      s.setBoolean(3, completed);
      s.setBoolean(4, completed);
      s.setString(5, subdomain);
      s.executeUpdate();
    }
  }

  /** Every site with its counters, for status and reconciliation. */
  public List<SiteRow> sites() {
    return querySites("", null);
  }

  public SiteRow site(String subdomain) {
    List<SiteRow> rows = querySites(" WHERE subdomain = ?", subdomain);
    return rows.isEmpty() ? null : rows.get(0);
  }

  private List<SiteRow> querySites(String where, String arg) {
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT * FROM sites" + where + " ORDER BY subdomain")) {
        if (arg != null) {
          s.setString(1, arg);
        }
        List<SiteRow> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(SiteRow.from(r));
          }
        }
        return out;
      }
    });
  }

  /** Documents that failed any stage, with their reasons. */
  public List<FailedDocument> failedDocuments(String subdomain) {
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT document_id, error_stage, error FROM documents WHERE subdomain = ? AND"
              + " 'failed' IN (ocr_status, compilation_status, extraction_status, deploy_status)"
              + " ORDER BY document_id")) {
        s.setString(1, subdomain);
        List<FailedDocument> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new FailedDocument(r.getString(1), r.getString(2), r.getString(3)));
          }
        }
        return out;
      }
    });
  }

  /** The latest documents that failed a stage, any site, newest first. */
  public List<RecentFailure> recentFailures(int limit) {
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT subdomain, document_id, error_stage, error, updated_at FROM documents"
              + " WHERE 'failed' IN (ocr_status, compilation_status, extraction_status, deploy_status)"
              + " ORDER BY updated_at DESC, subdomain, document_id LIMIT ?")) {
        s.setInt(1, limit);
        List<RecentFailure> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new RecentFailure(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                r.getTimestamp(5).toInstant()));
          }
        }
        return out;
      }
    });
  }

  /** Total pages of the site's documents that completed OCR. */
  public long pages(String subdomain) {
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT coalesce(sum(pages), 0) FROM documents WHERE subdomain = ? AND ocr_status = 'completed'")) {
        s.setString(1, subdomain);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getLong(1);
        }
      }
    });
  }

  /** Sites per {@code current_stage} ("none": never started), and how many of them are stuck. */
  public record StageCount(String stage, int sites, int stuck) {}

  /**
   * Sites by stage; stuck means not completed and no progress for {@code threshold} (the operators'
   * query: {@code current_stage != 'completed' AND updated_at < now() - interval '2 hours'}).
   */
  public List<StageCount> stageCounts(java.time.Duration threshold) {
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT coalesce(current_stage, 'none'), count(*), count(*) FILTER (WHERE current_stage IS NOT NULL"
              + " AND current_stage <> 'completed' AND updated_at < now() - make_interval(secs => ?))"
              + " FROM sites GROUP BY 1 ORDER BY 1")) {
        s.setDouble(1, threshold.toSeconds());
        List<StageCount> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new StageCount(r.getString(1), r.getInt(2), r.getInt(3)));
          }
        }
        return out;
      }
    });
  }

  public record FailedDocument(String documentId, String stage, String error) {}

  public record RecentFailure(String subdomain, String documentId, String stage, String error, Instant at) {}

}
