package clerk.activities.extract;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** A document's attendance in the {@code attendance} table, replaced whole in the caller's transaction. */
public final class AttendanceWriter {
  private AttendanceWriter() {}

  public static void replace(Connection c, String subdomain, String documentId,
      List<AttendanceReader.Attendee> attendees) throws SQLException {
    try (PreparedStatement delete =
        c.prepareStatement("DELETE FROM attendance WHERE subdomain = ? AND document_id = ?")) {
      delete.setString(1, subdomain);
      delete.setString(2, documentId);
      delete.executeUpdate();
    }
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO attendance (subdomain, document_id, seq, name, status) VALUES (?, ?, ?, ?, ?)")) {
      int seq = 1;
      for (AttendanceReader.Attendee a : attendees) {
        insert.setString(1, subdomain);
        insert.setString(2, documentId);
        insert.setInt(3, seq++);
        insert.setString(4, a.name().replace("\u0000", ""));
        insert.setString(5, a.status());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
