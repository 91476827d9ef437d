package clerk.activities.deploy;

import clerk.activities.deploy.MeetingsDb.Document;
import clerk.activities.deploy.MeetingsDb.Scope;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Brings a {@link MeetingsDb} in step with what PostgreSQL says is published: documents the file holds
 * in another version, or that are no longer published, are taken out; documents it lacks, or holds in
 * another version, are written, in batches each committed. Only what changed is written, and a deploy
 * that stopped half-way (a crash, a lost attempt) leaves whole documents behind, so the next one goes on
 * from there. The caller reads everything in one repeatable-read transaction.
 */
final class BundleSync {
  /** Pages per committed batch: large enough that commits cost nothing, small enough to heartbeat often. */
  static final int BATCH_PAGES = 5_000;
  static final int BATCH_DOCUMENTS = 500;
  /** Below this many pages a write is never bulk: indexing them row by row takes well under a second. */
  static final int BULK_AT_LEAST = 2_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String C = " COLLATE \"C\"";

  /**
   * Which version of a document the bundle holds: what it is made of (PDF, text, pages) and when its
   * pages and motions were last written; a document compiled or extracted again is written again.
   */
  static final String VERSION = "coalesce(d.pages, 0) || ':' || coalesce(d.text_bytes, -1) || ':'"
      + " || coalesce(d.pdf_sha256, d.pdf_size || '/' || d.pdf_mtime, '') || ':'"
      + " || coalesce(d.compilation_at::text, '') || ':' || coalesce(d.extraction_at::text, '')";

  /** A published document, the version PostgreSQL has of it, and its page count. */
  record Published(Document doc, String version, int pages) {}

  /**
   * What a sync changed, the documents SQLite would not take, and those it took out because they are
   * no longer published at all (their page images go too).
   */
  record Changes(int written, int removed, List<BundleSummary.LeftOut> leftOut, List<Document> withdrawn) {}

  private final Connection pg;
  private final MeetingsDb meetings;
  private final Scope scope;
  private final DeployProgress progress;
  private final int batchPages;
  private final int bulkAtLeast;
  /** Attendance of the documents read and not yet written, by document key ({name, status} each). */
  private final Map<String, List<String[]>> attendance = new java.util.concurrent.ConcurrentHashMap<>();

  BundleSync(Connection pg, MeetingsDb meetings, Scope scope, DeployProgress progress, int batchPages,
      int bulkAtLeast) {
    this.pg = pg;
    this.meetings = meetings;
    this.scope = scope;
    this.progress = progress;
    this.batchPages = batchPages;
    this.bulkAtLeast = bulkAtLeast;
  }

  Changes sync(List<Published> published) throws SQLException, JsonProcessingException {
    Map<String, String> held = meetings.documents();
    Map<String, Published> wanted = new HashMap<>();
    published.forEach(p -> wanted.put(p.doc().key(scope), p));
    List<Published> toWrite = published.stream()
        .filter(p -> !p.version().equals(held.get(p.doc().key(scope)))).toList();
    long pagesToWrite = toWrite.stream().mapToLong(p -> Math.max(1, p.pages())).sum();
    long pagesAfter = published.stream().mapToLong(p -> Math.max(1, p.pages())).sum();
    // Rebuilding the index costs about a quarter of indexing the same pages row by row (bench/deploy).
    boolean bulk = meetings.inBulk() || pagesToWrite * 4 > pagesAfter && pagesToWrite >= bulkAtLeast;
    if (bulk && !meetings.inBulk()) {
      meetings.beginBulk();
    }
    if (bulk) {
      meetings.unsyncedBatches();
    }
    int removed = 0;
    List<Document> withdrawn = new ArrayList<>();
    for (Map.Entry<String, String> h : held.entrySet()) {
      Published p = wanted.get(h.getKey());
      if (p == null) {
        withdrawn.add(Document.of(h.getKey(), scope));
      }
      if (p == null || !p.version().equals(h.getValue())) {
        meetings.removeDocument(p == null ? Document.of(h.getKey(), scope) : p.doc());
        removed++;
      }
    }
    meetings.commit();
    List<BundleSummary.LeftOut> leftOut = new ArrayList<>();
    List<List<Published>> batches = batches(toWrite);
    progress.written(0, toWrite.size());
    // The next batch is read from PostgreSQL (and its ids and JSON made) while this one goes into
    // SQLite: the two take about as long, and PostgreSQL is another process. One thread uses the
    // PostgreSQL connection at a time: the reader; this thread only writes SQLite.
    ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "clerk-deploy-reader");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<List<PageRow>> next = batches.isEmpty() ? null : reader.submit(read(batches.get(0)));
      int written = 0;
      for (int i = 0; i < batches.size(); i++) {
        List<PageRow> rows = get(next);
        next = i + 1 < batches.size() ? reader.submit(read(batches.get(i + 1))) : null;
        leftOut.addAll(write(batches.get(i), rows));
        meetings.commit();
        written += batches.get(i).size();
        progress.written(written, toWrite.size());
      }
    } finally {
      reader.shutdownNow();
      // A read in flight (this thread failed while the next batch was being read) must end before
      // the caller ends the connection's transaction and hands it back to the pool.
      try {
        reader.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (bulk) {
      meetings.endBulk();
    }
    return new Changes(toWrite.size() - leftOut.size(), removed, leftOut, withdrawn);
  }

  /** Documents in batches of about {@code batchPages} pages (at most {@link #BATCH_DOCUMENTS} documents). */
  private List<List<Published>> batches(List<Published> toWrite) {
    List<List<Published>> out = new ArrayList<>();
    for (int from = 0; from < toWrite.size(); ) {
      int to = from;
      int pages = 0;
      while (to < toWrite.size() && to - from < BATCH_DOCUMENTS && (to == from || pages < batchPages)) {
        pages += Math.max(1, toWrite.get(to++).pages()); // pages unknown (older rows): count one
      }
      out.add(toWrite.subList(from, to));
      from = to;
    }
    return out;
  }

  private java.util.concurrent.Callable<List<PageRow>> read(List<Published> batch) {
    return () -> readBatch(batch);
  }

  private static List<PageRow> get(Future<List<PageRow>> loading) throws SQLException {
    try {
      return loading.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("deploy interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new SQLException("reading a batch of pages failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * One page as it goes into the bundle: its document's key, number, text, row id, entities JSON (null
   * when they could not be found: {@code problem} says why) and votes JSON.
   */
  private record PageRow(String key, int page, String text, String id, String entities, String votes,
      int motions, String problem) {}

  /** A batch's pages from PostgreSQL, ready to write, ordered by document and page. */
  private List<PageRow> readBatch(List<Published> batch) throws SQLException, JsonProcessingException {
    attendance.putAll(attendance(batch));
    Map<String, Map<Integer, CivicVotes>> votes = votes(batch);
    Map<String, Published> byKey = new HashMap<>();
    batch.forEach(p -> byKey.put(p.doc().key(scope), p));
    List<PageRow> rows = new ArrayList<>();
    try (PreparedStatement s = pg.prepareStatement(
        "SELECT p.subdomain, p.kind, p.meeting, p.date, p.page, p.text, p.entities_json FROM pages p"
            + " JOIN unnest(?::text[], ?::text[]) AS w(subdomain, document_id)"
            + " ON p.subdomain = w.subdomain AND p.document_id = w.document_id"
            + " ORDER BY p.subdomain" + C + ", p.kind" + C + ", p.meeting" + C + ", p.date" + C + ", p.page")) {
      setDocuments(s, batch);
      s.setFetchSize(500); // a batch holds thousands of pages: stream them
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String key = key(r.getString(1), r.getString(2), r.getString(3), r.getString(4));
          Document d = byKey.get(key).doc();
          int page = r.getInt(5);
          String text = r.getString(6);
          String entities = r.getString(7); // found at compilation; pages compiled before that are done here
          String problem = null;
          if (entities == null) {
            try {
              entities = JSON.writeValueAsString(EntityExtractor.extract(text).toJson());
            } catch (RuntimeException | StackOverflowError e) {
              // Pattern matching over pathological OCR output can blow the stack: that page's problem.
              problem = "left out of the bundle: page " + page + ": finding its entities failed (" + e + ")";
            }
          }
          CivicVotes onPage = votes.getOrDefault(key, Map.of()).get(page);
          String id = scope == Scope.ALL_SITES
              ? CivicIds.fullDbRowId(d.table(), d.meeting(), d.date(), page, text, d.subdomain(), d.municipality())
              : CivicIds.rowId(d.table(), d.meeting(), d.date(), page, text);
          rows.add(new PageRow(key, page, text, id, entities, onPage == null ? CivicVotes.none() : onPage.json(),
              onPage == null ? 0 : onPage.size(), problem));
        }
      }
    }
    return rows;
  }

  /** Writes a batch's documents; returns those SQLite would not take. */
  private List<BundleSummary.LeftOut> write(List<Published> batch, List<PageRow> rows) throws SQLException {
    Map<String, Published> byKey = new HashMap<>();
    batch.forEach(p -> byKey.put(p.doc().key(scope), p));
    List<BundleSummary.LeftOut> leftOut = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Writing doc = null;
    for (PageRow row : rows) {
      if (doc == null || !doc.key.equals(row.key())) {
        end(doc, leftOut);
        doc = new Writing(row.key(), byKey.get(row.key()), meetings.beginDocument());
        seen.add(row.key());
      }
      if (doc.problem == null) {
        doc.problem = row.problem() != null ? row.problem() : page(doc, row);
      }
    }
    end(doc, leftOut);
    // A document without pages (none to publish) is still held, so it is not looked for again.
    for (Published p : batch) {
      if (!seen.contains(p.doc().key(scope))) {
        end(new Writing(p.doc().key(scope), p, meetings.beginDocument()), leftOut);
      }
    }
    return leftOut;
  }

  private String key(String subdomain, String table, String meeting, String date) {
    return new Document(subdomain, null, table, meeting, date).key(scope);
  }

  private void setDocuments(PreparedStatement s, List<Published> batch) throws SQLException {
    Array subdomains = pg.createArrayOf("text", batch.stream().map(p -> p.doc().subdomain()).toArray());
    Array ids = pg.createArrayOf("text", batch.stream()
        .map(p -> p.doc().table() + "/" + p.doc().meeting() + "/" + p.doc().date()).toArray());
    s.setArray(1, subdomains);
    s.setArray(2, ids);
  }

  /** One document's rows on their way in. */
  private static final class Writing {
    final String key;
    final Published published;
    final Savepoint start;
    int pages;
    int motions;
    /** Why the document cannot be in the bundle; null while it can. */
    String problem;

    Writing(String key, Published published, Savepoint start) {
      this.key = key;
      this.published = published;
      this.start = start;
    }
  }

  /** Keeps the document's rows, or takes them all back when one could not be written. */
  private void end(Writing doc, List<BundleSummary.LeftOut> leftOut) throws SQLException {
    if (doc == null) {
      return;
    }
    Document d = doc.published.doc();
    if (doc.problem != null) {
      attendance.remove(doc.key);
      meetings.dropDocument(doc.start);
      String id = d.table() + "/" + d.meeting() + "/" + d.date();
      leftOut.add(new BundleSummary.LeftOut(scope == Scope.ALL_SITES ? d.subdomain() + "/" + id : id, doc.problem));
      return;
    }
    List<String[]> attendees = attendance.remove(doc.key);
    if (attendees != null && "minutes".equals(d.table())) {
      meetings.addAttendance(d, attendees);
    }
    meetings.keepDocument(doc.start, d, doc.published.version(), doc.pages, doc.motions);
  }

  /** The batch's attendance, by document key, in the minutes' order. */
  private Map<String, List<String[]>> attendance(List<Published> batch) throws SQLException {
    Map<String, List<String[]>> out = new HashMap<>();
    try (PreparedStatement s = pg.prepareStatement("SELECT a.subdomain, a.document_id, a.name, a.status"
        + " FROM attendance a JOIN unnest(?::text[], ?::text[]) AS w(subdomain, document_id)"
        + " ON a.subdomain = w.subdomain AND a.document_id = w.document_id ORDER BY a.subdomain, a.document_id, a.seq")) {
      setDocuments(s, batch);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String[] id = r.getString(2).split("/", 3);
          out.computeIfAbsent(key(r.getString(1), id[0], id[1], id[2]), k -> new ArrayList<>())
              .add(new String[] {r.getString(3), r.getString(4)});
        }
      }
    }
    return out;
  }

  /** Writes one page's row; returns why its document cannot be in the bundle, or null. */
  private String page(Writing doc, PageRow row) throws SQLException {
    Document d = doc.published.doc();
    try {
      meetings.addPage(d, row.page(), row.text(), row.id(), row.entities(), row.votes());
    } catch (SQLException e) {
      if (!MeetingsDb.refusedRow(e)) {
        throw e;
      }
      String holder = meetings.holderOfId(d.table(), row.id());
      return holder == null
          ? "left out of the bundle: page " + row.page() + ": SQLite refused its row: " + e.getMessage()
          : "left out of the bundle: page " + row.page() + " has the row id " + row.id() + " of " + holder
              + " (12 hex characters of a hash, equal by chance); rename one of the two PDFs";
    }
    doc.pages++;
    doc.motions += row.motions();
    return null;
  }

  /** The batch's motions, by document key and the page each starts on, in order. */
  private Map<String, Map<Integer, CivicVotes>> votes(List<Published> batch)
      throws SQLException, JsonProcessingException {
    Map<String, Map<Integer, CivicVotes>> out = new HashMap<>();
    try (PreparedStatement s = pg.prepareStatement(
        "SELECT m.subdomain, m.document_id, m.page, m.motion, m.mover, m.seconder, m.result, m.ayes, m.nays,"
            + " m.abstain, m.absent, m.votes::text, m.raw_text FROM motions m"
            + " JOIN unnest(?::text[], ?::text[]) AS w(subdomain, document_id)"
            + " ON m.subdomain = w.subdomain AND m.document_id = w.document_id"
            + " ORDER BY m.subdomain" + C + ", m.document_id" + C + ", m.seq")) {
      setDocuments(s, batch);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String[] id = r.getString(2).split("/", 3);
          String key = key(r.getString(1), id[0], id[1], id[2]);
          out.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(r.getInt(3), k -> new CivicVotes())
              .add(r.getString(4), r.getString(5), r.getString(6), r.getString(7), (Integer) r.getObject(8),
                  (Integer) r.getObject(9), (Integer) r.getObject(10), (Integer) r.getObject(11),
                  JSON.readTree(r.getString(12)), r.getString(13));
        }
      }
    }
    return out;
  }
}
