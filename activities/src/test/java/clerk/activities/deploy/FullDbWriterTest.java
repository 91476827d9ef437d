package clerk.activities.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.TestDatabase;
import clerk.activities.db.SiteRepository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullDbWriterTest {
  @TempDir Path deployDir;
  DataSource db;
  final FullDbWriter writer = new FullDbWriter(BundlePermissions.WORLD_READABLE);

  @BeforeEach
  void setUp() throws SQLException {
    db = TestDatabase.fresh();
    SiteRepository repository = new SiteRepository(db);
    repository.ensureSite("alameda.ca.us", "Alameda, CA");
    repository.ensureSite("oakland.ca.us", "Oakland, CA");
    document("alameda.ca.us", "minutes", "CityCouncil", "2024-01-16", "completed");
    page("alameda.ca.us", "minutes", "CityCouncil", "2024-01-16", 3, "Mayor Ezzy Ashcraft adjourned the meeting.");
    document("oakland.ca.us", "agendas", "CityCouncil", "2024-01-16", "pending");
    page("oakland.ca.us", "agendas", "CityCouncil", "2024-01-16", 1, "Item 4: the bicycle lane on Telegraph Avenue.");
    // Not published: extraction still running.
    document("oakland.ca.us", "minutes", "CityCouncil", "2024-02-06", "pending");
    page("oakland.ca.us", "minutes", "CityCouncil", "2024-02-06", 1, "Draft minutes about the bicycle lane.");
  }

  void document(String site, String kind, String meeting, String date, String extraction) throws SQLException {
    sql("INSERT INTO documents (subdomain, document_id, kind, meeting, date, ocr_status, compilation_status,"
        + " extraction_status, pages) VALUES (?, ?, ?, ?, ?, 'completed', 'completed', ?, 1)",
        site, kind + "/" + meeting + "/" + date, kind, meeting, date, extraction);
  }

  void page(String site, String kind, String meeting, String date, int page, String text) throws SQLException {
    sql("INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
        site, kind + "/" + meeting + "/" + date, kind, meeting, date, page, text);
  }

  void sql(String sql, Object... args) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      s.executeUpdate();
    }
  }

  List<String> rows(Path file, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet r = c.createStatement().executeQuery("SELECT id, subdomain, municipality, meeting, date, page,"
            + " page_image FROM " + table + " ORDER BY subdomain, date, page")) {
      while (r.next()) {
        List<String> cols = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
          cols.add(r.getString(i));
        }
        out.add(String.join("|", cols));
      }
    }
    return out;
  }

  @Test
  void everySitesPublishedPagesWithSubdomainMunicipalityCivicIdsAndSearch() throws Exception {
    Path file = FullDbWriter.defaultFile(deployDir);
    BundleSummary summary = writer.write(db, file, DeployProgress.NONE);

    assertThat(summary.documents()).isEqualTo(2);
    assertThat(summary.pages()).isEqualTo(2);
    assertThat(file).isSymbolicLink();
    // The id as civic.band's cross-site build hashes it, computed with Python (see CivicIdsTest).
    assertThat(rows(file, "minutes")).containsExactly(
        "719df03d6c9b|alameda.ca.us|Alameda, CA|CityCouncil|2024-01-16|3|/CityCouncil/2024-01-16/3.png");
    assertThat(rows(file, "agendas")).singleElement().asString()
        .endsWith("|oakland.ca.us|Oakland, CA|CityCouncil|2024-01-16|1|/_agendas/CityCouncil/2024-01-16/1.png");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      assertThat(Datasette.detectFts(c, "minutes")).isEqualTo("minutes_fts");
      assertThat(Datasette.search(c, "agendas", "bicycle")).hasSize(1);
      assertThat(Datasette.search(c, "minutes", "bicycle")).as("unpublished minutes").isEmpty();
      ResultSet columns = c.createStatement().executeQuery("SELECT name FROM pragma_table_info('minutes')");
      List<String> names = new ArrayList<>();
      while (columns.next()) {
        names.add(columns.getString(1));
      }
      assertThat(names).containsExactly("id", "subdomain", "municipality", "meeting", "date", "page", "text",
          "page_image", "entities_json", "votes_json");
    }
    JsonNode metadata = new ObjectMapper().readTree(file.resolveSibling("metadata.json").toFile());
    assertThat(metadata.get("databases").get("meetings").get("tables").get("agendas").get("fts_table").asText())
        .isEqualTo("agendas_fts");
  }

  @Test
  void aRebuildWritesOnlyWhatChangedARenamedSiteIncluded() throws Exception {
    Path file = deployDir.resolve("full/civic.db");
    writer.write(db, file, DeployProgress.NONE);
    assertThat(writer.write(db, file, DeployProgress.NONE).written()).isZero();

    sql("UPDATE documents SET extraction_status = 'completed' WHERE document_id = 'minutes/CityCouncil/2024-02-06'");
    BundleSummary one = writer.write(db, file, DeployProgress.NONE);
    assertThat(one.written()).isEqualTo(1);
    assertThat(rows(file, "minutes")).hasSize(2);

    // The municipality is part of each id: a renamed site's pages are written again, with new ids.
    sql("UPDATE sites SET name = 'City of Oakland' WHERE subdomain = 'oakland.ca.us'");
    BundleSummary renamed = writer.write(db, file, DeployProgress.NONE);
    assertThat(renamed.written()).as("both of Oakland's documents").isEqualTo(2);
    assertThat(rows(file, "agendas")).singleElement().asString().contains("|City of Oakland|");

    sql("DELETE FROM documents WHERE subdomain = 'alameda.ca.us'");
    writer.write(db, file, DeployProgress.NONE);
    assertThat(rows(file, "minutes")).singleElement().asString().contains("|oakland.ca.us|");
  }
}
