package clerk.activities.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/**
 * Documents' motions in the {@code motions} table, replaced whole in the caller's transaction (no
 * commit here), so re-running extraction leaves exactly one copy of each motion.
 */
public final class MotionWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MotionWriter() {}

  /**
   * Several documents' motions at once: one delete and one batch of inserts, however many documents
   * (a statement each per document was most of an extraction batch's round trips).
   */
  public static void replace(Connection c, String subdomain, Map<String, List<Motion>> byDocument)
      throws SQLException {
    if (byDocument.isEmpty()) {
      return;
    }
    try (PreparedStatement delete =
        c.prepareStatement("DELETE FROM motions WHERE subdomain = ? AND document_id = ANY (?)")) {
      delete.setString(1, subdomain);
      delete.setArray(2, c.createArrayOf("text", byDocument.keySet().toArray()));
      delete.executeUpdate();
    }
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO motions (subdomain, document_id, page, seq, motion, mover, seconder, result,"
            + " ayes, nays, abstain, absent, votes, raw_text)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
      int rows = 0;
      for (Map.Entry<String, List<Motion>> document : byDocument.entrySet()) {
        for (Motion m : document.getValue()) {
          insert.setString(1, subdomain);
          insert.setString(2, document.getKey());
          insert.setInt(3, m.page());
          insert.setInt(4, m.seq());
          insert.setString(5, text(m.motion()));
          insert.setString(6, text(m.mover()));
          insert.setString(7, text(m.seconder()));
          insert.setString(8, m.result());
          setInt(insert, 9, m.ayes());
          setInt(insert, 10, m.nays());
          setInt(insert, 11, m.abstain());
          setInt(insert, 12, m.absent());
          try {
            insert.setString(13, JSON.writeValueAsString(m.votes()));
          } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
          }
          insert.setString(14, text(m.rawText()));
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }

  /** PostgreSQL text cannot hold NUL, which OCR output occasionally contains. */
  private static String text(String s) {
    return s == null ? null : s.replace("\u0000", "");
  }

  private static void setInt(PreparedStatement s, int i, Integer value) throws SQLException {
    if (value == null) {
      s.setNull(i, Types.INTEGER);
    } else {
      s.setInt(i, value);
    }
  }
}
