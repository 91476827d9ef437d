package clerk.activities.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * The site's {@code meetings.db}: the SQLite schema civic sites serve with Datasette. Tables
 * {@code minutes} and {@code agendas} hold one row per page; {@code minutes_fts} and
 * {@code agendas_fts} are FTS5 external-content indexes over their {@code text}, rebuilt once after
 * all rows are in (Datasette finds them through {@code content=}).
 *
 * <p>{@code id} is the text primary key, so the FTS tables key on the implicit rowid. Rows are
 * inserted in a fixed order, so rowids are 1..n and stable for a given database; the file is
 * published read-only and never vacuumed, which is what could renumber an implicit rowid.
 *
 * <p>A document's pages go in between {@link #beginDocument()} and {@link #keepDocument} or
 * {@link #dropDocument}, so a document whose rows cannot be written is left out whole.
 */
final class MeetingsDb implements AutoCloseable {
  static final String FILE_NAME = "meetings.db";
  static final List<String> TABLES = List.of("minutes", "agendas");

  /** SQLite's primary result codes for a row it refuses (a taken id, a value too big or of a wrong type). */
  private static final List<Integer> ROW_REFUSED = List.of(18, 19, 20); // TOOBIG, CONSTRAINT, MISMATCH

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection sqlite;
  private final PreparedStatement insertMinutes;
  private final PreparedStatement insertAgendas;

  private MeetingsDb(Connection sqlite) throws SQLException {
    this.sqlite = sqlite;
    try (Statement s = sqlite.createStatement()) {
      for (String table : TABLES) {
        s.execute("CREATE TABLE " + table + " (id TEXT PRIMARY KEY, meeting TEXT NOT NULL, date TEXT NOT NULL,"
            + " page INTEGER NOT NULL, text TEXT NOT NULL, page_image TEXT, entities_json TEXT NOT NULL,"
            + " votes_json TEXT NOT NULL)");
        s.execute("CREATE INDEX " + table + "_meeting_date ON " + table + " (meeting, date)");
        s.execute("CREATE VIRTUAL TABLE " + table + "_fts USING fts5(text, content='" + table
            + "', content_rowid='rowid')");
      }
    }
    insertMinutes = sqlite.prepareStatement(insertSql("minutes"));
    insertAgendas = sqlite.prepareStatement(insertSql("agendas"));
  }

  private static String insertSql(String table) {
    return "INSERT INTO " + table + " (id, meeting, date, page, text, page_image, entities_json, votes_json)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  }

  /** A new, empty database at {@code file}, inside one transaction until {@link #finish()}. */
  static MeetingsDb create(Path file) throws IOException {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try {
        c.setAutoCommit(false);
        return new MeetingsDb(c);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException(file + ": cannot create SQLite database: " + e.getMessage(), e);
    }
  }

  /**
   * The row id: the first 12 hex characters of a SHA-256 over the page's kind, meeting, date, page
   * number and text (the fields civic.band hashes). They are hashed as a JSON array, so two
   * documents never feed it the same bytes: {@code A / B_2024-01-01} and {@code A_B / 2024-01-01},
   * one id under the old {@code {meeting}_{date}_p{page}}, hash apart. 48 bits can still collide by
   * chance (about 1 in 2,000 for a site of 547,000 pages); the bundle then leaves out the later
   * document alone, naming the other.
   */
  static String rowId(String kind, String meeting, String date, int page, String text) {
    try {
      byte[] fields = JSON.writeValueAsBytes(new Object[] {kind, meeting, date, page, text});
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(fields);
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // strings and a number always serialise; SHA-256 is always there
    }
  }

  /**
   * Where the page's image will be, relative to the bundle: {@code {meeting}/{date}/page-{N}.png} for
   * minutes and {@code _agendas/{meeting}/{date}/page-{N}.png} for agendas (the storage layout's
   * convention; without the prefix an agenda and the minutes of the same meeting would share a path).
   * Images are not produced yet: the column says where they will go.
   */
  static String pageImage(String kind, String meeting, String date, int page) {
    return ("agendas".equals(kind) ? "_agendas/" : "") + meeting + "/" + date + "/page-" + page + ".png";
  }

  void addPage(String kind, String meeting, String date, int page, String text, String entitiesJson,
      String votesJson) throws SQLException {
    PreparedStatement s = "agendas".equals(kind) ? insertAgendas : insertMinutes;
    s.setString(1, rowId(kind, meeting, date, page, text));
    s.setString(2, meeting);
    s.setString(3, date);
    s.setInt(4, page);
    s.setString(5, text);
    s.setString(6, pageImage(kind, meeting, date, page));
    s.setString(7, entitiesJson);
    s.setString(8, votesJson);
    s.executeUpdate();
  }

  /** Marks where a document's rows start. */
  Savepoint beginDocument() throws SQLException {
    return sqlite.setSavepoint();
  }

  void keepDocument(Savepoint start) throws SQLException {
    sqlite.releaseSavepoint(start);
  }

  /** Takes back every row written since {@code start}. */
  void dropDocument(Savepoint start) throws SQLException {
    sqlite.rollback(start);
    sqlite.releaseSavepoint(start);
  }

  /**
   * Whether SQLite refused one row for what it holds (its id taken, a value too big), which is that
   * document's problem; anything else (disk full, I/O) is the bundle's.
   */
  static boolean refusedRow(SQLException e) {
    return ROW_REFUSED.contains(e.getErrorCode() & 0xff);
  }

  /** The document and page already holding the page's row id ({@code minutes/A_B/2024-01-01 page 1}), or null. */
  String holderOfId(String kind, String meeting, String date, int page, String text) throws SQLException {
    String table = "agendas".equals(kind) ? "agendas" : "minutes";
    try (PreparedStatement s = sqlite.prepareStatement(
        "SELECT meeting, date, page FROM " + table + " WHERE id = ?")) {
      s.setString(1, rowId(kind, meeting, date, page, text));
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? kind + "/" + r.getString(1) + "/" + r.getString(2) + " page " + r.getInt(3) : null;
      }
    }
  }

  /** Indexes the text and commits. */
  void finish() throws SQLException {
    try (Statement s = sqlite.createStatement()) {
      for (String table : TABLES) {
        s.execute("INSERT INTO " + table + "_fts(" + table + "_fts) VALUES ('rebuild')");
      }
    }
    sqlite.commit();
  }

  @Override
  public void close() throws SQLException {
    try {
      insertMinutes.close();
      insertAgendas.close();
    } finally {
      sqlite.close();
    }
  }
}
