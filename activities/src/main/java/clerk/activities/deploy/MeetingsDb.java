package clerk.activities.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
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
 */
final class MeetingsDb implements AutoCloseable {
  static final String FILE_NAME = "meetings.db";
  static final List<String> TABLES = List.of("minutes", "agendas");

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
   * The stable row id: {@code {meeting}_{date}_p{page}}, e.g. {@code CityCouncil_2024-01-16_p1}. Unique
   * within a table because a document is one (kind, meeting, date).
   */
  static String rowId(String meeting, String date, int page) {
    return meeting + "_" + date + "_p" + page;
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
    s.setString(1, rowId(meeting, date, page));
    s.setString(2, meeting);
    s.setString(3, date);
    s.setInt(4, page);
    s.setString(5, text);
    s.setString(6, pageImage(kind, meeting, date, page));
    s.setString(7, entitiesJson);
    s.setString(8, votesJson);
    s.executeUpdate();
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
