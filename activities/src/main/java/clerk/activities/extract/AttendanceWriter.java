package clerk.activities.extract;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Documents' attendance in the {@code attendance} table, replaced whole in the caller's transaction. */
public final class AttendanceWriter {
  private AttendanceWriter() {}

  /** Several documents' attendance at once: one delete and one batch of inserts. */
  public static void replace(Connection c, String subdomain, Map<String, List<AttendanceReader.Attendee>> byDocument)
      throws SQLException {
    if (byDocument.isEmpty()) {
      return;
    }
    try (PreparedStatement delete =
        c.prepareStatement("DELETE FROM attendance WHERE subdomain = ? AND document_id = ANY (?)")) {
      delete.setString(1, subdomain);
      delete.setArray(2, c.createArrayOf("text", byDocument.keySet().toArray()));
      delete.executeUpdate();
    }
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO attendance (subdomain, document_id, seq, name, status) VALUES (?, ?, ?, ?, ?)")) {
      int rows = 0;
      for (Map.Entry<String, List<AttendanceReader.Attendee>> document : byDocument.entrySet()) {
        int seq = 1;
        for (AttendanceReader.Attendee a : document.getValue()) {
          insert.setString(1, subdomain);
          insert.setString(2, document.getKey());
          insert.setInt(3, seq++);
          insert.setString(4, a.name().replace("\u0000", ""));
          insert.setString(5, a.status());
          insert.addBatch();
          rows++;
        }
      }
      if (rows > 0) {
        insert.executeBatch();
      }
    }
  }
}
