package clerk.activities.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** A document's motions in the {@code motions} table, replaced whole in the caller's transaction. */
public final class MotionWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MotionWriter() {}

  public static void replace(Connection c, String subdomain, String documentId, List<Motion> motions)
      throws SQLException {
    try (PreparedStatement delete =
        c.prepareStatement("DELETE FROM motions WHERE subdomain = ? AND document_id = ?")) {
      delete.setString(1, subdomain);
      delete.setString(2, documentId);
      delete.executeUpdate();
    }
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO motions (subdomain, document_id, page, seq, motion, mover, seconder, result,"
            + " ayes, nays, abstain, absent, votes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
      for (Motion m : motions) {
        insert.setString(1, subdomain);
        insert.setString(2, documentId);
        insert.setInt(3, m.page());
        insert.setInt(4, m.seq());
        insert.setString(5, m.motion().replace("\u0000", ""));
        insert.setString(6, m.mover());
        insert.setString(7, m.seconder());
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
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void setInt(PreparedStatement s, int i, Integer value) throws SQLException {
    if (value == null) {
      s.setNull(i, Types.INTEGER);
    } else {
      s.setInt(i, value);
    }
  }
}
