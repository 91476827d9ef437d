package clerk.activities.db;

import clerk.activities.ocr.PageWarning;
import clerk.workflows.DocumentRef;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The page warnings OCR recorded for a site's documents (V9__page_warnings.sql). */
public final class PageWarnings {
  /** How many of a site's warnings status, the dashboard and site.json list (all are counted). */
  public static final int LISTED = 100;

  private final SiteRepository db;

  public PageWarnings(DataSource dataSource) {
    this.db = new SiteRepository(dataSource);
  }

  /** One warning, for a listing. */
  public record Listed(@JsonProperty("document_id") String documentId, int page, String warning) {}

  /** Up to {@link #LISTED} of a site's warnings by document and page, and how many there are. */
  public record OfSite(int total, List<Listed> warnings) {}

  /**
   * Replaces the document's warnings about pages {@code firstPage..lastPage}, and those about the
   * whole document (page 0), with {@code warnings}, in the caller's transaction (the one recording
   * the OCR result of those pages): pages OCRed again keep no warning of the last time. A whole
   * document is {@code 1..Integer.MAX_VALUE}; a range of pages OCRed on its own, that range.
   */
  public static void replace(Connection c, DocumentRef d, int firstPage, int lastPage, List<PageWarning> warnings)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM page_warnings WHERE subdomain = ? AND document_id = ?"
        + " AND (page = 0 OR page BETWEEN ? AND ?)")) {
      s.setString(1, d.subdomain());
      s.setString(2, d.id());
      s.setInt(3, firstPage);
      s.setInt(4, lastPage);
      s.executeUpdate();
    }
    if (warnings.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO page_warnings (subdomain, document_id, page, warning) VALUES (?, ?, ?, ?)")) {
      for (PageWarning w : warnings) {
        s.setString(1, d.subdomain());
        s.setString(2, d.id());
        s.setInt(3, w.page());
        s.setString(4, w.message());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /**
   * Every page's warnings of several documents of one site, in place of all they had, in the caller's
   * transaction: one delete and one insert for them all.
   */
  public static void replace(Connection c, String subdomain, java.util.Map<String, List<PageWarning>> byDocument)
      throws SQLException {
    if (byDocument.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(
        "DELETE FROM page_warnings WHERE subdomain = ? AND document_id = ANY (?)")) {
      s.setString(1, subdomain);
      s.setArray(2, c.createArrayOf("text", byDocument.keySet().toArray()));
      s.executeUpdate();
    }
    if (byDocument.values().stream().allMatch(List::isEmpty)) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO page_warnings (subdomain, document_id, page, warning) VALUES (?, ?, ?, ?)")) {
      for (var document : byDocument.entrySet()) {
        for (PageWarning w : document.getValue()) {
          s.setString(1, subdomain);
          s.setString(2, document.getKey());
          s.setInt(3, w.page());
          s.setString(4, w.message());
          s.addBatch();
        }
      }
      s.executeBatch();
    }
  }

  public OfSite ofSite(String subdomain) {
    return db.transaction(c -> ofSite(c, subdomain));
  }

  /** In the caller's transaction (the bundle reads everything in one snapshot). */
  public static OfSite ofSite(Connection c, String subdomain) throws SQLException {
    List<Listed> out = new ArrayList<>();
    int total = 0;
    try (PreparedStatement s = c.prepareStatement(
        "SELECT document_id, page, warning, count(*) OVER () FROM page_warnings WHERE subdomain = ?"
            + " ORDER BY document_id COLLATE \"C\", page LIMIT ?")) {
      s.setString(1, subdomain);
      s.setInt(2, LISTED);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new Listed(r.getString(1), r.getInt(2), r.getString(3)));
          total = r.getInt(4);
        }
      }
    }
    return new OfSite(total, out);
  }
}
