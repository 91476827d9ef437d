package clerk.activities.db;

import clerk.activities.ocr.PageWarning;
import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
        rollback(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  /**
   * Rolls back after {@code failure}. When the connection is gone, the rollback fails too ("Connection
   * is closed", no SQLSTATE): that error is kept as suppressed, so the failure that tells what happened
   * (connection lost, SQLSTATE 08…) is the one thrown and the outage is recognised as one.
   */
  public static void rollback(Connection c, Exception failure) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * A transaction that changes the site's documents. It locks the site's row first: the counters
   * trigger updates that row for every document change, so every writer takes the site, then its
   * documents, in that one order (two orders deadlock).
   */
  public <T> T siteTransaction(String subdomain, Work<T> work) {
    return transaction(c -> {
      if (!lockSiteRow(c, subdomain)) {
        throw new IllegalArgumentException("unknown site " + subdomain + ": add it with 'clerk sites add'");
      }
      return work.run(c);
    });
  }

  /** Locks the site's row until the caller's transaction ends; false when there is no such site. */
  public static boolean lockSiteRow(Connection c, String subdomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT 1 FROM sites WHERE subdomain = ? FOR NO KEY UPDATE")) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
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
    return siteTransaction(d.subdomain(), c -> markCompleted(c, d, stage, pages, ocrMethod));
  }

  /** The PDF as OCR read it: size, last-modified time (ms since the epoch), SHA-256. */
  public record PdfFacts(long size, long mtime, String sha256) {}

  /**
   * Marks OCR completed and records what reconciliation later compares the disk with: the PDF OCR
   * read, and the size of the text it wrote.
   */
  public void markOcrCompleted(DocumentRef d, int pages, String ocrMethod, PdfFacts pdf, long textBytes) {
    markOcrCompleted(d, pages, ocrMethod, pdf, textBytes, null);
  }

  /**
   * {@link #markOcrCompleted(DocumentRef, int, String, PdfFacts, long)} and, in the same transaction,
   * the document's page warnings in place of any it had (null: its warnings left as they are).
   */
  public void markOcrCompleted(DocumentRef d, int pages, String ocrMethod, PdfFacts pdf, long textBytes,
      List<PageWarning> warnings) {
    markOcrCompleted(List.of(new OcrCompletion(d, pages, ocrMethod, pdf, textBytes, warnings)));
  }

  /** One document's OCR result, as {@link #markOcrCompleted(DocumentRef, int, String, PdfFacts, long, List)} takes it. */
  public record OcrCompletion(DocumentRef document, int pages, String ocrMethod, PdfFacts pdf, long textBytes,
      List<PageWarning> warnings) {}

  /**
   * Several documents of one site marked OCR completed in one transaction, in a few statements for
   * them all (not a few for each).
   */
  public void markOcrCompleted(List<OcrCompletion> done) {
    if (done.isEmpty()) {
      return;
    }
    String subdomain = done.get(0).document().subdomain();
    java.util.Map<String, Integer> pages = new java.util.LinkedHashMap<>();
    java.util.Map<String, String> methods = new java.util.HashMap<>();
    for (OcrCompletion o : done) {
      if (!o.document().subdomain().equals(subdomain)) {
        throw new IllegalArgumentException("OCR results of several sites in one transaction: " + done);
      }
      pages.put(o.document().id(), o.pages());
      methods.put(o.document().id(), o.ocrMethod());
    }
    siteTransaction(subdomain, c -> {
      markCompleted(c, subdomain, Stage.OCR, pages, methods); // every registered one: OCR is the first stage
      PageWarnings.replace(c, subdomain, done.stream().filter(o -> o.warnings() != null)
          .collect(java.util.stream.Collectors.toMap(o -> o.document().id(), OcrCompletion::warnings, (a, b) -> b)));
      // One statement for the batch: each statement on documents also runs the counters' trigger.
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE documents d SET pdf_size = v.size, pdf_mtime = v.mtime, pdf_sha256 = v.sha256, text_bytes = v.text_bytes"
              + " FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[])"
              + " AS v(id, size, mtime, sha256, text_bytes)"
              + " WHERE d.subdomain = ? AND d.document_id = v.id")) {
        s.setArray(1, c.createArrayOf("text", done.stream().map(o -> o.document().id()).toArray()));
        s.setArray(2, c.createArrayOf("bigint", done.stream().map(o -> o.pdf().size()).toArray()));
        s.setArray(3, c.createArrayOf("bigint", done.stream().map(o -> o.pdf().mtime()).toArray()));
        s.setArray(4, c.createArrayOf("text", done.stream().map(o -> o.pdf().sha256()).toArray()));
        s.setArray(5, c.createArrayOf("bigint", done.stream().map(OcrCompletion::textBytes).toArray()));
        s.setString(6, subdomain);
        s.executeUpdate();
      }
      return null;
    });
  }

  /**
   * {@link #markCompleted(Connection, DocumentRef, Stage, Integer, String)} for several documents of
   * one site in one statement, inside the caller's transaction: each with its page count (null: kept).
   *
   * @return the ids marked; the others were sent back to an earlier stage (see the one-document form)
   */
  public java.util.Set<String> markCompleted(Connection c, String subdomain, Stage stage,
      java.util.Map<String, Integer> pagesById) throws SQLException {
    return markCompleted(c, subdomain, stage, pagesById, java.util.Map.of());
  }

  /** {@link #markCompleted(Connection, String, Stage, java.util.Map)} with each document's OCR method. */
  public java.util.Set<String> markCompleted(Connection c, String subdomain, Stage stage,
      java.util.Map<String, Integer> pagesById, java.util.Map<String, String> ocrMethodById) throws SQLException {
    String st = stage.dbName();
    java.util.Set<String> marked = new java.util.HashSet<>();
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE documents d SET " + st + "_status = 'completed', " + st + "_at = now(), updated_at = now(),"
            + " pages = coalesce(v.pages, d.pages), ocr_method = coalesce(v.ocr_method, d.ocr_method),"
            + " error = CASE WHEN error_stage = ? THEN NULL ELSE error END,"
            + " error_stage = CASE WHEN error_stage = ? THEN NULL ELSE error_stage END"
            + " FROM unnest(?::text[], ?::int[], ?::text[]) AS v(id, pages, ocr_method)"
            + " WHERE d.subdomain = ? AND d.document_id = v.id AND " + entered(stage)
            + " RETURNING d.document_id")) {
      s.setString(1, st);
      s.setString(2, st);
      s.setArray(3, c.createArrayOf("text", pagesById.keySet().toArray()));
      s.setArray(4, c.createArrayOf("integer", pagesById.values().toArray()));
      s.setArray(5, c.createArrayOf("text", pagesById.keySet().stream().map(ocrMethodById::get).toArray()));
      s.setString(6, subdomain);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          marked.add(r.getString(1));
        }
      }
    }
    for (String id : pagesById.keySet()) {
      if (!marked.contains(id) && !isRegistered(c, subdomain, id)) {
        throw new IllegalStateException("document " + subdomain + ":" + id + " is not registered");
      }
    }
    return marked;
  }

  /**
   * {@link #hasEntered(DocumentRef, Stage)} for several documents of one site in one query, by id.
   * Fails when one is not registered.
   */
  public java.util.Map<String, Boolean> hasEntered(String subdomain, Collection<String> ids, Stage stage) {
    return transaction(c -> {
      java.util.Map<String, Boolean> out = new java.util.HashMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT document_id, " + entered(stage)
          + " FROM documents WHERE subdomain = ? AND document_id = ANY (?)")) {
        s.setString(1, subdomain);
        s.setArray(2, c.createArrayOf("text", ids.toArray()));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.put(r.getString(1), r.getBoolean(2));
          }
        }
      }
      for (String id : ids) {
        if (!out.containsKey(id)) {
          throw new IllegalStateException("document " + subdomain + ":" + id + " is not registered");
        }
      }
      return out;
    });
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
    return isRegistered(c, d.subdomain(), d.id());
  }

  private static boolean isRegistered(Connection c, String subdomain, String documentId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT 1 FROM documents WHERE subdomain = ? AND document_id = ?")) {
      s.setString(1, subdomain);
      s.setString(2, documentId);
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
    siteTransaction(subdomain, c -> {
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

  /**
   * Ends the site's pipeline run if its counters allow, in one transaction with the site locked: when
   * a stage still has pending documents (reconciliation sent some back meanwhile) nothing changes and
   * that stage is returned; when every document failed a stage the site becomes {@code failed}; else
   * {@code completed}. The note is kept for an end state.
   */
  public Stage finishSite(String subdomain, String note) {
    return siteTransaction(subdomain, c -> {
      SiteRow row = site(c, subdomain);
      if (row == null) {
        throw new IllegalArgumentException("unknown site " + subdomain);
      }
      Stage end = row.derivedStage();
      if (end.isEnd()) {
        setStage(c, subdomain, end, end == Stage.FAILED ? row.failedNote() : note);
      }
      return end;
    });
  }

  /**
   * Sends failed documents back to pending in the stage they failed, so the pipeline runs them again.
   * Counters follow (trigger); the site's stage moves to the first stage with work.
   *
   * @param stage only documents that failed this stage; null for any stage
   * @param documentId only this document; null for every failed document of the site
   * @return how many documents were sent back
   */
  public int retryFailed(String subdomain, Stage stage, String documentId) {
    return siteTransaction(subdomain, c -> {
      int retried = 0;
      for (Stage st : Stage.PIPELINE) {
        if (stage != null && st != stage) {
          continue;
        }
        String col = st.dbName() + "_status";
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE documents SET " + col + " = 'pending', error = NULL, error_stage = NULL,"
                + " updated_at = now() WHERE subdomain = ? AND " + col + " = 'failed'"
                + " AND (?::text IS NULL OR document_id = ?)")) {
          s.setString(1, subdomain);
          s.setString(2, documentId);
          s.setString(3, documentId);
          retried += s.executeUpdate();
        }
      }
      if (retried > 0) {
        SiteRow row = site(c, subdomain);
        setStage(c, subdomain, row.derivedStage(), null);
      }
      return retried;
    });
  }

  /** Marks every document of the site that entered deploy as deployed. */
  public void markDeployed(Connection c, String subdomain) throws SQLException {
    markDeployed(c, subdomain, List.of());
  }

  /**
   * Marks every document of the site that entered deploy as deployed, except those the bundle left
   * out (they are not in it); a deploy error recorded earlier is cleared.
   */
  public void markDeployed(Connection c, String subdomain, Collection<String> leftOut) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE documents SET deploy_status = 'completed', deploy_at = now(), updated_at = now(),"
            + " error = CASE WHEN error_stage = 'deploy' THEN NULL ELSE error END,"
            + " error_stage = CASE WHEN error_stage = 'deploy' THEN NULL ELSE error_stage END"
            + " WHERE subdomain = ? AND " + entered(Stage.DEPLOY) + " AND deploy_status <> 'completed'"
            + " AND NOT (document_id = ANY (?))")) {
      s.setString(1, subdomain);
      s.setArray(2, c.createArrayOf("text", leftOut.toArray()));
      s.executeUpdate();
    }
  }

  /**
   * Records that the bundle had to leave one document out: it fails deploy with the reason, even if
   * an earlier bundle held it. A document that has not entered deploy keeps its statuses.
   */
  public void markDeployFailed(Connection c, String subdomain, String documentId, String reason)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE documents SET deploy_status = 'failed', deploy_at = now(), updated_at = now(),"
            + " error_stage = 'deploy', error = ? WHERE subdomain = ? AND document_id = ? AND "
            + entered(Stage.DEPLOY))) {
      s.setString(1, reason);
      s.setString(2, subdomain);
      s.setString(3, documentId);
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

  private static final String RECOUNT_SQL =
      "WITH a AS (SELECT " + CounterSql.AGGREGATE + " FROM documents WHERE subdomain = ?),"
          + " old AS (SELECT s.subdomain, (" + CounterSql.DIFFERS + ") AS changed FROM sites s, a WHERE s.subdomain = ?)"
          + " UPDATE sites SET " + CounterSql.SET + " FROM a, old WHERE sites.subdomain = old.subdomain"
          + " RETURNING old.changed";

  /** The site's row, locked until the caller's transaction ends; null when there is no such site. */
  public SiteRow lockSite(Connection c, String subdomain) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT * FROM sites WHERE subdomain = ? FOR NO KEY UPDATE")) {
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
   * Sets the site's stage. An end state ({@code completed}, {@code failed}) closes the site the way
   * the pipeline does, with the note; a stage with work reopens it.
   */
  public void setStage(Connection c, String subdomain, Stage stage, String note) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE sites SET current_stage = ?, note = coalesce(?, note), updated_at = now(),"
            + " completed_at = CASE WHEN ? THEN coalesce(CASE WHEN current_stage = ? THEN completed_at END,"
            + " now()) END, coordinator_enqueued = coordinator_enqueued AND NOT ? WHERE subdomain = ?")) {
      boolean end = stage.isEnd();
      s.setString(1, stage.dbName());
      s.setString(2, note);
      s.setBoolean(3, end);
      s.setString(4, stage.dbName());
      s.setBoolean(5, end);
      s.setString(6, subdomain);
      s.executeUpdate();
    }
  }

  /**
   * Records a comparison of the site's folder with the database: the folder's fingerprint (the next
   * run skips the comparison while it is unchanged) and what the walk had to skip.
   */
  public void recordStorageCheck(Connection c, String subdomain, String fingerprint, List<String> problems)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE sites SET storage_fingerprint = ?, storage_problems = ?::jsonb, storage_checked_at = now()"
            + " WHERE subdomain = ?")) {
      s.setString(1, fingerprint);
      s.setString(2, Json.write(problems));
      s.setString(3, subdomain);
      s.executeUpdate();
    }
  }

  /** Every site with its counters, for status and reconciliation. */
  public List<SiteRow> sites() {
    return querySites("", null);
  }

  /** Up to {@code limit} sites after {@code after} (null: from the first), in subdomain order. */
  public List<SiteRow> sitesAfter(String after, int limit) {
    return transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT * FROM sites WHERE subdomain > ? ORDER BY subdomain LIMIT ?")) {
        s.setString(1, after == null ? "" : after);
        s.setInt(2, limit);
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

  public record FailedDocument(@JsonProperty("document_id") String documentId, String stage, String error) {}


}
