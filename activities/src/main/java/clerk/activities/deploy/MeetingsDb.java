package clerk.activities.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code meetings.db}: the SQLite schema civic.band serves with Datasette, kept up to date one
 * document at a time. Tables {@code minutes} and {@code agendas} hold one row per page (the cross-site
 * database adds {@code subdomain} and {@code municipality}); {@code minutes_fts} and
 * {@code agendas_fts} are FTS5 external-content indexes over {@code text}, declared
 * {@code content="minutes"} as sqlite-utils writes it, which is what Datasette's detection query
 * matches, and kept in step by the triggers sqlite-utils would create ({@code minutes_ai}, …).
 *
 * <p>{@code _clerk_documents} records which version of which document the file holds, so a deploy
 * writes only what changed and a deploy that crashed resumes where it stopped; {@code _clerk_state}
 * whether a bulk write is under way. {@code PRAGMA user_version} is the bundle's format: a file of
 * another format is built anew.
 *
 * <p>A document's pages go in between {@link #beginDocument()} and {@link #keepDocument} or
 * {@link #dropDocument}, so a document whose rows cannot be written is left out whole.
 */
final class MeetingsDb implements AutoCloseable {
  static final String FILE_NAME = "meetings.db";
  static final List<String> TABLES = List.of("minutes", "agendas");

  /**
   * The bundle format: 2 = civic.band ids, page images and JSON shapes, FTS declared for Datasette,
   * per-document bookkeeping. A change of what a document's rows hold (say, of the entity patterns)
   * must raise it, so every bundle is rewritten once.
   */
  static final int FORMAT = 2;

  /** SQLite's primary result codes for a row it refuses (a taken id, a value too big or of a wrong type). */
  private static final List<Integer> ROW_REFUSED = List.of(18, 19, 20); // TOOBIG, CONSTRAINT, MISMATCH
  private static final List<Integer> NOT_A_DATABASE = List.of(11, 26); // CORRUPT, NOTADB

  /** Whose pages the file holds: one site's, or every site's with their subdomain and municipality. */
  enum Scope { SITE, ALL_SITES }

  private final Connection sqlite;
  private final Scope scope;
  private final Map<String, PreparedStatement> inserts = new HashMap<>();

  private MeetingsDb(Connection sqlite, Scope scope) {
    this.sqlite = sqlite;
    this.scope = scope;
  }

  /**
   * The database at {@code file}, created with the current format when it is missing, of another
   * format, or not a database at all. Changes are committed by {@link #commit()}.
   */
  static MeetingsDb open(Path file, Scope scope) throws IOException {
    try {
      MeetingsDb db = connect(file, scope);
      if (db.format() == FORMAT) {
        return db;
      }
      db.close();
    } catch (SQLException e) {
      if (!NOT_A_DATABASE.contains(e.getErrorCode() & 0xff)) {
        throw new IOException(file + ": cannot open SQLite database: " + e.getMessage(), e);
      }
    }
    Files.deleteIfExists(file);
    Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-journal"));
    try {
      MeetingsDb db = connect(file, scope);
      db.createSchema();
      return db;
    } catch (SQLException e) {
      throw new IOException(file + ": cannot create SQLite database: " + e.getMessage(), e);
    }
  }

  /**
   * {@link #open}, and built anew when a bulk write that was under way left the file damaged (its
   * batches are not synced one by one; a machine that crashed may have lost some).
   */
  static MeetingsDb openIntact(Path file, Scope scope) throws IOException {
    MeetingsDb db = open(file, scope);
    try {
      if (!db.inBulk() || db.intact()) {
        return db;
      }
      db.close();
    } catch (SQLException e) {
      try {
        db.close();
      } catch (SQLException ignored) {
        // it is being thrown away
      }
    }
    Files.deleteIfExists(file);
    return open(file, scope);
  }

  private static MeetingsDb connect(Path file, Scope scope) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA foreign_keys = OFF");
        // A deploy runs in batches of documents, each committed: fsync at each commit is what makes a
        // crash resume from the last batch; NORMAL is enough in rollback-journal mode for that.
        s.execute("PRAGMA synchronous = NORMAL");
        s.execute("PRAGMA cache_size = -65536"); // 64 MB: the FTS index of a large site is updated in place
      }
      c.setAutoCommit(false);
      return new MeetingsDb(c, scope);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  private int format() throws SQLException {
    try (Statement s = sqlite.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
      r.next();
      int version = r.getInt(1);
      if (version == FORMAT) {
        return version;
      }
    }
    return -1;
  }

  private void createSchema() throws SQLException {
    // civic.band's cross-site database has the site's columns right after the id.
    String site = scope == Scope.ALL_SITES ? " subdomain TEXT NOT NULL, municipality TEXT NOT NULL," : "";
    try (Statement s = sqlite.createStatement()) {
      for (String table : TABLES) {
        s.execute("CREATE TABLE " + table + " (id TEXT PRIMARY KEY," + site + " meeting TEXT NOT NULL,"
            + " date TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL, page_image TEXT,"
            + " entities_json TEXT NOT NULL, votes_json TEXT NOT NULL)");
        String key = scope == Scope.ALL_SITES ? "subdomain, meeting, date" : "meeting, date";
        s.execute("CREATE INDEX " + table + "_document ON " + table + " (" + key + ")");
        s.execute("CREATE INDEX " + table + "_date ON " + table + " (date)");
        // Quoted as sqlite-utils quotes it: Datasette finds the index by content="table" or content=[table].
        s.execute("CREATE VIRTUAL TABLE " + table + "_fts USING fts5(text, content=\"" + table + "\")");
        createTriggers(s, table);
      }
      // Who attended each meeting, as its minutes list them: present, absent, regrets.
      s.execute("CREATE TABLE attendance (" + (scope == Scope.ALL_SITES ? "subdomain TEXT NOT NULL,"
          + " municipality TEXT NOT NULL, " : "") + "meeting TEXT NOT NULL, date TEXT NOT NULL, seq INTEGER NOT NULL,"
          + " name TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (" + (scope == Scope.ALL_SITES ? "subdomain, " : "")
          + "meeting, date, seq))");
      s.execute("CREATE INDEX attendance_name ON attendance (name)");
      s.execute("CREATE TABLE _clerk_documents (document_id TEXT PRIMARY KEY, kind TEXT NOT NULL,"
          + " version TEXT NOT NULL, pages INTEGER NOT NULL, motions INTEGER NOT NULL)");
      s.execute("CREATE TABLE _clerk_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.execute("PRAGMA user_version = " + FORMAT);
    }
    sqlite.commit();
  }

  /** The triggers sqlite-utils creates to keep an external-content FTS table in step with its table. */
  private static void createTriggers(Statement s, String table) throws SQLException {
    s.execute("CREATE TRIGGER " + table + "_ai AFTER INSERT ON " + table + " BEGIN"
        + " INSERT INTO " + table + "_fts (rowid, text) VALUES (new.rowid, new.text); END");
    s.execute("CREATE TRIGGER " + table + "_ad AFTER DELETE ON " + table + " BEGIN"
        + " INSERT INTO " + table + "_fts (" + table + "_fts, rowid, text) VALUES ('delete', old.rowid, old.text);"
        + " END");
    s.execute("CREATE TRIGGER " + table + "_au AFTER UPDATE ON " + table + " BEGIN"
        + " INSERT INTO " + table + "_fts (" + table + "_fts, rowid, text) VALUES ('delete', old.rowid, old.text);"
        + " INSERT INTO " + table + "_fts (rowid, text) VALUES (new.rowid, new.text); END");
  }

  /**
   * Whether a bulk write is under way (begun, not ended: an attempt that stopped half-way); the next
   * attempt must go on in bulk and end it.
   */
  boolean inBulk() throws SQLException {
    try (Statement s = sqlite.createStatement();
        ResultSet r = s.executeQuery("SELECT 1 FROM _clerk_state WHERE key = 'bulk'")) {
      return r.next();
    }
  }

  /**
   * Whether the file passes SQLite's quick check. A bulk write runs without fsync at each batch (below):
   * an attempt that goes on with one a crashed machine left half-written must check it first.
   */
  boolean intact() throws SQLException {
    try (Statement s = sqlite.createStatement(); ResultSet r = s.executeQuery("PRAGMA quick_check")) {
      return r.next() && "ok".equals(r.getString(1));
    }
  }

  /** In a bulk write, batches are not synced to disk one by one: the whole file is, before it is published. */
  void unsyncedBatches() throws SQLException {
    sqlite.commit();
    sqlite.setAutoCommit(true); // SQLite changes the safety level only outside a transaction
    try (Statement s = sqlite.createStatement()) {
      s.execute("PRAGMA synchronous = OFF");
    } finally {
      sqlite.setAutoCommit(false);
    }
  }

  /**
   * Many rows to write: the FTS triggers are dropped, and {@link #endBulk()} indexes every row anew.
   * FTS5 indexes a whole table several times faster than row by row with an external content table
   * (measured in bench/deploy), so a first build or a large change is done so; the standby file is
   * not read by anyone meanwhile. Committed at once, so a crash is recognised ({@link #inBulk()}).
   */
  void beginBulk() throws SQLException {
    try (Statement s = sqlite.createStatement()) {
      for (String table : TABLES) {
        for (String t : List.of("_ai", "_ad", "_au")) {
          s.execute("DROP TRIGGER IF EXISTS " + table + t);
        }
      }
      s.execute("INSERT OR REPLACE INTO _clerk_state (key, value) VALUES ('bulk', 'fts index to rebuild')");
    }
    sqlite.commit();
  }

  /** Rebuilds the FTS indexes from their tables and puts the triggers back. */
  void endBulk() throws SQLException {
    try (Statement s = sqlite.createStatement()) {
      for (String table : TABLES) {
        s.execute("INSERT INTO " + table + "_fts (" + table + "_fts) VALUES ('rebuild')");
        createTriggers(s, table);
      }
      s.execute("DELETE FROM _clerk_state WHERE key = 'bulk'");
    }
    sqlite.commit();
  }

  /** Each document the file holds, by id ({@code subdomain/kind/meeting/date} across sites), and its version. */
  Map<String, String> documents() throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = sqlite.createStatement();
        ResultSet r = s.executeQuery("SELECT document_id, version FROM _clerk_documents")) {
      while (r.next()) {
        out.put(r.getString(1), r.getString(2));
      }
    }
    return out;
  }

  /** Documents and pages per table, and motions in all, of what the file holds. */
  Totals totals() throws SQLException {
    Map<String, int[]> perTable = new LinkedHashMap<>();
    TABLES.forEach(t -> perTable.put(t, new int[2]));
    int motions = 0;
    try (Statement s = sqlite.createStatement(); ResultSet r = s.executeQuery(
        "SELECT kind, count(*), coalesce(sum(pages), 0), coalesce(sum(motions), 0) FROM _clerk_documents"
            + " GROUP BY kind")) {
      while (r.next()) {
        perTable.put(r.getString(1), new int[] {r.getInt(2), r.getInt(3)});
        motions += r.getInt(4);
      }
    }
    return new Totals(perTable, motions);
  }

  /** What a bundle holds: {documents, pages} per table, and motions. */
  record Totals(Map<String, int[]> perTable, int motions) {
    int documents() {
      return perTable.values().stream().mapToInt(t -> t[0]).sum();
    }

    int pages() {
      return perTable.values().stream().mapToInt(t -> t[1]).sum();
    }
  }

  /** Takes a document's rows out (its FTS entries go with them, by trigger). */
  void removeDocument(Document d) throws SQLException {
    deleteMeetingRows(d.table(), d);
    if ("minutes".equals(d.table())) {
      deleteMeetingRows("attendance", d);
    }
    try (PreparedStatement bookkeeping = sqlite.prepareStatement("DELETE FROM _clerk_documents WHERE document_id = ?")) {
      bookkeeping.setString(1, d.key(scope));
      bookkeeping.executeUpdate();
    }
  }

  /** Deletes the rows of the document's meeting and date (and site, across sites) from {@code table}. */
  private void deleteMeetingRows(String table, Document d) throws SQLException {
    String where = scope == Scope.ALL_SITES ? "subdomain = ? AND meeting = ? AND date = ?" : "meeting = ? AND date = ?";
    try (PreparedStatement s = sqlite.prepareStatement("DELETE FROM " + table + " WHERE " + where)) {
      int i = 1;
      if (scope == Scope.ALL_SITES) {
        s.setString(i++, d.subdomain());
      }
      s.setString(i++, d.meeting());
      s.setString(i, d.date());
      s.executeUpdate();
    }
  }

  /** The meeting's attendance ({name, status} in the minutes' order), with its document's rows. */
  void addAttendance(Document d, List<String[]> attendees) throws SQLException {
    boolean all = scope == Scope.ALL_SITES;
    try (PreparedStatement s = sqlite.prepareStatement("INSERT INTO attendance ("
        + (all ? "subdomain, municipality, " : "") + "meeting, date, seq, name, status) VALUES ("
        + (all ? "?, ?, " : "") + "?, ?, ?, ?, ?)")) {
      int seq = 1;
      for (String[] a : attendees) {
        int i = 1;
        if (all) {
          s.setString(i++, d.subdomain());
          s.setString(i++, d.municipality());
        }
        s.setString(i++, d.meeting());
        s.setString(i++, d.date());
        s.setInt(i++, seq++);
        s.setString(i++, a[0]);
        s.setString(i, a[1]);
        s.executeUpdate();
      }
    }
  }

  /** A document as the bundle knows it: its site, table and meeting date. */
  record Document(String subdomain, String municipality, String table, String meeting, String date) {
    /** {@code kind/meeting/date} (the documents table's id); across sites prefixed by the subdomain. */
    String key(Scope scope) {
      String id = table + "/" + meeting + "/" + date;
      return scope == Scope.ALL_SITES ? subdomain + "/" + id : id;
    }

    /** The document of a bookkeeping key. */
    static Document of(String key, Scope scope) {
      String[] parts = key.split("/", scope == Scope.ALL_SITES ? 2 : 1);
      String id = parts[parts.length - 1];
      int first = id.indexOf('/');
      int last = id.lastIndexOf('/');
      return new Document(scope == Scope.ALL_SITES ? parts[0] : null, null, id.substring(0, first),
          id.substring(first + 1, last), id.substring(last + 1));
    }
  }

  /** One page's row; {@code id} is its {@link CivicIds} row id. */
  void addPage(Document d, int page, String text, String id, String entitiesJson, String votesJson)
      throws SQLException {
    PreparedStatement s = inserts.computeIfAbsent(d.table(), this::insert);
    boolean all = scope == Scope.ALL_SITES;
    s.setString(1, id);
    s.setString(2, d.meeting());
    s.setString(3, d.date());
    s.setInt(4, page);
    s.setString(5, text);
    s.setString(6, CivicIds.pageImage(d.table(), d.meeting(), d.date(), page));
    s.setString(7, entitiesJson);
    s.setString(8, votesJson);
    if (all) {
      s.setString(9, d.subdomain());
      s.setString(10, d.municipality());
    }
    s.executeUpdate();
  }

  private PreparedStatement insert(String table) {
    boolean all = scope == Scope.ALL_SITES;
    try {
      return sqlite.prepareStatement("INSERT INTO " + table
          + " (id, meeting, date, page, text, page_image, entities_json, votes_json"
          + (all ? ", subdomain, municipality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    } catch (SQLException e) {
      throw new IllegalStateException(table + ": cannot prepare insert: " + e.getMessage(), e);
    }
  }

  /** Marks where a document's rows start. */
  Savepoint beginDocument() throws SQLException {
    return sqlite.setSavepoint();
  }

  /** Keeps the document's rows and records which version of it they are. */
  void keepDocument(Savepoint start, Document d, String version, int pages, int motions) throws SQLException {
    try (PreparedStatement s = sqlite.prepareStatement(
        "INSERT INTO _clerk_documents (document_id, kind, version, pages, motions) VALUES (?, ?, ?, ?, ?)")) {
      s.setString(1, d.key(scope));
      s.setString(2, d.table());
      s.setString(3, version);
      s.setInt(4, pages);
      s.setInt(5, motions);
      s.executeUpdate();
    }
    sqlite.releaseSavepoint(start);
  }

  /** Takes back every row written since {@code start}. */
  void dropDocument(Savepoint start) throws SQLException {
    sqlite.rollback(start);
    sqlite.releaseSavepoint(start);
  }

  void commit() throws SQLException {
    sqlite.commit();
  }

  /**
   * Whether SQLite refused one row for what it holds (its id taken, a value too big), which is that
   * document's problem; anything else (disk full, I/O) is the bundle's.
   */
  static boolean refusedRow(SQLException e) {
    return ROW_REFUSED.contains(e.getErrorCode() & 0xff);
  }

  /** The document and page already holding this row id ({@code minutes/A_B/2024-01-01 page 1}), or null. */
  String holderOfId(String table, String id) throws SQLException {
    String site = scope == Scope.ALL_SITES ? "subdomain || '/' || " : "";
    try (PreparedStatement s = sqlite.prepareStatement(
        "SELECT " + site + "'" + table + "/' || meeting || '/' || date || ' page ' || page FROM " + table
            + " WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      for (PreparedStatement s : inserts.values()) {
        s.close();
      }
    } finally {
      if (!sqlite.getAutoCommit()) {
        sqlite.rollback(); // whatever was not committed is not part of the file
      }
      sqlite.close();
    }
  }
}
