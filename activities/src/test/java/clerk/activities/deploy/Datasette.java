package clerk.activities.deploy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What Datasette does with a {@code meetings.db}, restated from its source so the bundle is tested
 * against it: simonw/datasette, {@code datasette/utils/__init__.py} at commit 006b446d577d, functions
 * {@code detect_fts_sql} and {@code escape_fts}, and the table view's {@code _search} clause
 * (Datasette is Copyright Simon Willison, Apache License 2.0). Datasette itself is not packaged for
 * Debian and PyPI cannot be reached from here; see docs/publishing.md.
 */
final class Datasette {
  private Datasette() {}

  /**
   * The FTS table Datasette shows a search box for on {@code table}, or null: a virtual table using
   * FTS whose SQL names the table as {@code content="table"} or {@code content=[table]}, or the table
   * itself when it is one. Quoting and LIKE patterns as Datasette writes them.
   */
  static String detectFts(Connection c, String table) throws SQLException {
    String t = table.replace("'", "''");
    String sql = "select name from sqlite_master where rootpage = 0 and ("
        + " sql like '%VIRTUAL TABLE%USING FTS%content=\"" + t + "\"%'"
        + " or sql like '%VIRTUAL TABLE%USING FTS%content=[" + t + "]%'"
        + " or (tbl_name = \"" + t + "\" and sql like '%VIRTUAL TABLE%USING FTS%'))";
    try (ResultSet r = c.createStatement().executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  /** Datasette's escape_fts for the default search mode: each term double-quoted. */
  static String escapeFts(String query) {
    String q = query.chars().filter(ch -> ch == '"').count() % 2 == 1 ? query + "\"" : query;
    List<String> bits = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"[^\"]*\"|[^\\s\"]+").matcher(q);
    while (m.find()) {
      String bit = m.group();
      if (!bit.equals("\"\"")) {
        bits.add(bit.startsWith("\"") ? bit : "\"" + bit + "\"");
      }
    }
    return String.join(" ", bits);
  }

  /** The ids {@code /meetings/{table}?_search=QUERY} lists: Datasette's clause on the detected FTS table. */
  static List<String> search(Connection c, String table, String query) throws SQLException {
    String fts = detectFts(c, table);
    List<String> ids = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("select id from [" + table + "] where rowid in"
        + " (select rowid from [" + fts + "] where [" + fts + "] match :search) order by date desc, page")) {
      s.setString(1, escapeFts(query));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
    }
    return ids;
  }
}
