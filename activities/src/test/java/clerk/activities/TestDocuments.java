package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.workflows.DocumentRef;
import java.sql.PreparedStatement;

/** Documents rows for tests that are about the database alone: registered pending, as a new PDF is. */
public final class TestDocuments {
  private TestDocuments() {}

  public static void register(SiteRepository repository, DocumentRef... documents) {
    for (DocumentRef d : documents) {
      repository.siteTransaction(d.subdomain(), c -> {
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO documents (subdomain, document_id, kind, meeting, date) VALUES (?, ?, ?, ?, ?)")) {
          s.setString(1, d.subdomain());
          s.setString(2, d.id());
          s.setString(3, d.kind());
          s.setString(4, d.meeting());
          s.setString(5, d.date());
          s.executeUpdate();
        }
        return null;
      });
    }
  }
}
