package clerk.activities.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clerk.activities.TestDatabase;
import clerk.activities.db.SiteRepository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteBundleWriterTest {
  static final String SITE = "alameda.ca.us";
  static final ObjectMapper JSON = new ObjectMapper();
  /** The id of the council minutes' page 3, pinned: a change of the id scheme must be on purpose. */
  static final String PAGE_3_ID = "7408bb8705de";

  @TempDir Path deployDir;
  DataSource db;
  final SiteBundleWriter writer = new SiteBundleWriter();

  @BeforeEach
  void setUp() {
    db = TestDatabase.fresh();
    new SiteRepository(db).ensureSite(SITE, "Alameda, CA");
  }

  // --- fixtures, inserted the way the earlier stages leave them ---

  void document(String kind, String meeting, String date, String ocr, String compilation, String extraction,
      String errorStage, String error) throws SQLException {
    sql("INSERT INTO documents (subdomain, document_id, kind, meeting, date, ocr_status, compilation_status,"
        + " extraction_status, error_stage, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        SITE, kind + "/" + meeting + "/" + date, kind, meeting, date, ocr, compilation, extraction,
        errorStage, error);
  }

  void page(String kind, String meeting, String date, int page, String text) throws SQLException {
    sql("INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
        SITE, kind + "/" + meeting + "/" + date, kind, meeting, date, page, text);
  }

  void motion(String documentId, int page, int seq, String motion, String mover, String seconder, String result,
      Integer ayes, Integer nays, Integer abstain, Integer absent, String votes) throws SQLException {
    sql("INSERT INTO motions (subdomain, document_id, page, seq, motion, mover, seconder, result, ayes, nays,"
        + " abstain, absent, votes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)",
        SITE, documentId, page, seq, motion, mover, seconder, result, ayes, nays, abstain, absent, votes);
  }

  void sql(String sql, Object... args) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      s.executeUpdate();
    }
  }

  void aCouncilSeason() throws SQLException {
    document("minutes", "CityCouncil", "2024-01-16", "completed", "completed", "completed", null, null);
    page("minutes", "CityCouncil", "2024-01-16", 1,
        "Mayor Ezzy Ashcraft called the meeting to order. Present: Councilmembers Daysog, Herrera Spencer"
            + " and Vella.");
    page("minutes", "CityCouncil", "2024-01-16", 2,
        "Councilmember Daysog moved adoption of Resolution No. 2024-15 approving a bicycle lane contract"
            + " for $1,250,000. Councilmember Vella seconded. Carried 4-1.");
    page("minutes", "CityCouncil", "2024-01-16", 3, "Mayor Ezzy Ashcraft adjourned the meeting.");
    String doc = "minutes/CityCouncil/2024-01-16";
    motion(doc, 2, 1, "Adopt Resolution No. 2024-15", "Daysog", "Vella", "carried", 4, 1, 0, 0,
        "{\"ayes\": [\"Daysog\", \"Vella\", \"Herrera Spencer\", \"Ezzy Ashcraft\"], \"nays\": [\"Knox White\"]}");
    motion(doc, 2, 2, "Continue item 5-B", "Vella", null, null, null, null, null, null, "{}");
    motion(doc, 3, 3, "Adjourn", "Herrera Spencer", "Daysog", "carried", 5, 0, 0, 0, "{}");
    // Extraction still running: not published yet.
    document("minutes", "PlanningBoard", "2024-02-12", "completed", "completed", "pending", null, null);
    page("minutes", "PlanningBoard", "2024-02-12", 1, "Board Member Teague discussed the zeppelin hangar.");
    // Failed for good: listed in site.json with its reason.
    document("minutes", "CityCouncil", "2024-03-05", "completed", "failed", "pending", "compilation",
        "page 4: no text");
    // Agendas are published once compiled; they wait for no extraction.
    document("agendas", "CityCouncil", "2024-01-16", "completed", "completed", "pending", null, null);
    page("agendas", "CityCouncil", "2024-01-16", 1,
        "5-C Introduction of Ordinance No. 3345 N.S. Amending the Library Hours at 1550 Oak Street.");
  }

  // --- reading the bundle back ---

  record Row(String id, String meeting, String date, int page, String text, String pageImage,
      String entitiesJson, String votesJson) {}

  static Connection sqlite(Path dir) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meetings.db"));
  }

  static List<Row> rows(Path dir, String table) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (Connection c = sqlite(dir); ResultSet r = c.createStatement().executeQuery(
        "SELECT id, meeting, date, page, text, page_image, entities_json, votes_json FROM " + table
            + " ORDER BY rowid")) {
      while (r.next()) {
        out.add(new Row(r.getString(1), r.getString(2), r.getString(3), r.getInt(4), r.getString(5),
            r.getString(6), r.getString(7), r.getString(8)));
      }
    }
    return out;
  }

  static List<String> search(Path dir, String table, String query) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = sqlite(dir); PreparedStatement s = c.prepareStatement(
        "SELECT t.id FROM " + table + "_fts f JOIN " + table + " t ON t.rowid = f.rowid WHERE " + table
            + "_fts MATCH ? ORDER BY t.rowid")) {
      s.setString(1, query);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
    }
    return ids;
  }

  static JsonNode siteJson(Path dir) throws IOException {
    return JSON.readTree(dir.resolve("site.json").toFile());
  }

  List<String> deployDirEntries() throws IOException {
    try (Stream<Path> s = Files.list(deployDir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // --- behaviour ---

  @Test
  void publishesCompletedDocumentsWithVotesEntitiesAndSearch() throws Exception {
    aCouncilSeason();

    BundleSummary summary = writer.write(db, SITE, deployDir);

    Path dir = deployDir.resolve(SITE);
    assertThat(summary).isEqualTo(new BundleSummary(2, 4, 3, dir, List.of()));
    List<Row> minutes = rows(dir, "minutes");
    assertThat(minutes).extracting(Row::page).containsExactly(1, 2, 3);
    // Ids are 12 hex characters of a SHA-256 over kind, meeting, date, page and text.
    assertThat(minutes).allSatisfy(r -> assertThat(r.id()).matches("[0-9a-f]{12}")
        .isEqualTo(MeetingsDb.rowId("minutes", r.meeting(), r.date(), r.page(), r.text())));
    assertThat(minutes).extracting(Row::id).doesNotHaveDuplicates();
    assertThat(MeetingsDb.rowId("minutes", "CityCouncil", "2024-01-16", 3, "Mayor Ezzy Ashcraft adjourned the meeting."))
        .as("ids are stable: links to a page keep working").isEqualTo(PAGE_3_ID);
    Row p2 = minutes.get(1);
    assertThat(p2.meeting()).isEqualTo("CityCouncil");
    assertThat(p2.date()).isEqualTo("2024-01-16");
    assertThat(p2.page()).isEqualTo(2);
    assertThat(p2.text()).startsWith("Councilmember Daysog moved adoption");
    assertThat(p2.pageImage()).isEqualTo("CityCouncil/2024-01-16/page-2.png");

    JsonNode votes = JSON.readTree(p2.votesJson());
    assertThat(votes).hasSize(2);
    assertThat(votes.get(0)).isEqualTo(JSON.readTree("""
        {"motion": "Adopt Resolution No. 2024-15", "mover": "Daysog", "seconder": "Vella",
         "result": "carried", "ayes": 4, "nays": 1, "abstain": 0, "absent": 0,
         "votes": {"ayes": ["Daysog", "Vella", "Herrera Spencer", "Ezzy Ashcraft"], "nays": ["Knox White"]}}"""));
    assertThat(votes.get(1).get("motion").asText()).isEqualTo("Continue item 5-B");
    assertThat(votes.get(1).get("seconder").isNull()).isTrue();
    assertThat(votes.get(1).get("ayes").isNull()).isTrue();
    assertThat(minutes.get(0).votesJson()).isEqualTo("[]");
    assertThat(JSON.readTree(minutes.get(2).votesJson()).get(0).get("motion").asText()).isEqualTo("Adjourn");

    assertThat(JSON.readTree(p2.entitiesJson())).isEqualTo(JSON.readTree("""
        {"people": ["Daysog", "Vella"], "resolutions": ["Resolution No. 2024-15"], "ordinances": [],
         "amounts": ["$1,250,000"], "addresses": []}"""));
    assertThat(JSON.readTree(minutes.get(0).entitiesJson()).get("people")).containsExactly(
        JSON.readTree("\"Ezzy Ashcraft\""), JSON.readTree("\"Daysog\""), JSON.readTree("\"Herrera Spencer\""),
        JSON.readTree("\"Vella\""));

    List<Row> agendas = rows(dir, "agendas");
    assertThat(agendas).singleElement().satisfies(r -> assertThat(r.id())
        .isEqualTo(MeetingsDb.rowId("agendas", "CityCouncil", "2024-01-16", 1, r.text()))
        .isNotEqualTo(minutes.get(0).id()));
    assertThat(agendas.get(0).pageImage()).isEqualTo("_agendas/CityCouncil/2024-01-16/page-1.png");
    assertThat(JSON.readTree(agendas.get(0).entitiesJson()).get("ordinances").get(0).asText())
        .isEqualTo("Ordinance No. 3345");

    assertThat(search(dir, "minutes", "bicycle")).containsExactly(minutes.get(1).id());
    assertThat(search(dir, "minutes", "meeting")).containsExactly(minutes.get(0).id(), minutes.get(2).id());
    assertThat(search(dir, "minutes", "zeppelin")).as("extraction pending: not published").isEmpty();
    assertThat(search(dir, "agendas", "library")).containsExactly(agendas.get(0).id());

    JsonNode site = siteJson(dir);
    assertThat(site.get("subdomain").asText()).isEqualTo(SITE);
    assertThat(site.get("generated_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    // What reconciliation compares the bundle with: the database's fingerprint of what it holds.
    try (java.sql.Connection c = db.getConnection()) {
      assertThat(site.get("fingerprint").asText())
          .isEqualTo(SiteBundleWriter.fingerprints(c, List.of(SITE)).get(SITE))
          .isEqualTo(SiteBundleWriter.fingerprintOnDisk(deployDir, SITE))
          .isNotEqualTo(SiteBundleWriter.EMPTY_FINGERPRINT);
    }
    ObjectNode rest = ((ObjectNode) site).deepCopy();
    rest.remove(List.of("subdomain", "generated_at", "fingerprint"));
    assertThat(rest).isEqualTo(JSON.readTree("""
        {"documents": 2, "pages": 4, "motions": 3,
         "minutes": {"documents": 1, "pages": 3}, "agendas": {"documents": 1, "pages": 1},
         "failed_documents": [{"document_id": "minutes/CityCouncil/2024-03-05", "stage": "compilation",
                               "error": "page 4: no text"}],
         "page_warnings": {"total": 0, "warnings": []}}"""));
  }

  @Test
  void writingAgainReplacesTheBundleAndLeavesNothingBehind() throws Exception {
    aCouncilSeason();
    writer.write(db, SITE, deployDir);
    Path dir = deployDir.resolve(SITE);
    byte[] firstDb = Files.readAllBytes(dir.resolve("meetings.db"));
    ObjectNode firstSite = (ObjectNode) siteJson(dir);

    // Same database, same bundle (apart from when it was generated).
    writer.write(db, SITE, deployDir);
    assertThat(Files.readAllBytes(dir.resolve("meetings.db"))).isEqualTo(firstDb);
    ObjectNode secondSite = (ObjectNode) siteJson(dir);
    firstSite.remove("generated_at");
    secondSite.remove("generated_at");
    assertThat(secondSite).isEqualTo(firstSite);

    // Extraction of the planning board minutes completes: the next bundle has them.
    sql("UPDATE documents SET extraction_status = 'completed' WHERE document_id = ?",
        "minutes/PlanningBoard/2024-02-12");
    BundleSummary summary = writer.write(db, SITE, deployDir);
    assertThat(summary).isEqualTo(new BundleSummary(3, 5, 3, dir, List.of()));
    assertThat(search(dir, "minutes", "zeppelin")).containsExactly(MeetingsDb.rowId("minutes", "PlanningBoard",
        "2024-02-12", 1, "Board Member Teague discussed the zeppelin hangar."));
    assertThat(siteJson(dir).get("pages").asInt()).isEqualTo(5);

    assertThat(deployDirEntries()).containsExactly("." + SITE + ".lock", SITE);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly("meetings.db", "site.json");
    }
  }

  @Test
  void leftoversOfACrashedDeployAreCleanedUp() throws Exception {
    Path tmp = Files.createDirectories(deployDir.resolve("." + SITE + ".tmp-0123456789ab"));
    Files.writeString(tmp.resolve("meetings.db"), "half written");
    Path old = Files.createDirectories(deployDir.resolve("." + SITE + ".old-abcdef012345/nested"));
    Files.writeString(old.resolve("x"), "x");
    // Another site's work in progress, and a site whose name merely starts like a leftover, are not ours.
    Path otherTmp = Files.createDirectories(deployDir.resolve(".oakland.ca.us.tmp-0123456789ab"));
    Path lookalike = Files.createDirectories(deployDir.resolve("." + SITE + ".tmp-x.tmp-0123456789ab"));

    writer.write(db, SITE, deployDir);

    assertThat(tmp).doesNotExist();
    assertThat(old.getParent()).doesNotExist();
    assertThat(otherTmp).exists();
    assertThat(lookalike).exists();
    assertThat(deployDir.resolve(SITE).resolve("meetings.db")).exists();
  }

  @Test
  void aSiteWithoutDocumentsGetsAnEmptyButValidBundle() throws Exception {
    BundleSummary summary = writer.write(db, SITE, deployDir);

    Path dir = deployDir.resolve(SITE);
    assertThat(summary).isEqualTo(new BundleSummary(0, 0, 0, dir, List.of()));
    assertThat(rows(dir, "minutes")).isEmpty();
    assertThat(rows(dir, "agendas")).isEmpty();
    assertThat(search(dir, "minutes", "anything")).isEmpty();
    assertThat(search(dir, "agendas", "anything")).isEmpty();
    JsonNode site = siteJson(dir);
    assertThat(site.get("documents").asInt()).isZero();
    assertThat(site.get("pages").asInt()).isZero();
    assertThat(site.get("motions").asInt()).isZero();
    assertThat(site.get("minutes").get("pages").asInt()).isZero();
    assertThat(site.get("failed_documents")).isEmpty();
  }

  @Test
  void refusesSubdomainsThatAreNotPlainNames() {
    for (String bad : List.of("../etc", "a/b", "Alameda.ca.us", "", ".hidden", "a..b", "x\\y")) {
      assertThatThrownBy(() -> writer.write(db, bad, deployDir)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(deployDir).isEmptyDirectory();
  }
  @Test
  void namesThatOnceMappedToOneRowIdGetRowsOfTheirOwn() throws Exception {
    // Under {meeting}_{date}_p{page} both were A_B_2024-01-01_p1.
    document("minutes", "A", "B_2024-01-01", "completed", "completed", "completed", null, null);
    page("minutes", "A", "B_2024-01-01", 1, "Roll call.");
    document("minutes", "A_B", "2024-01-01", "completed", "completed", "completed", null, null);
    page("minutes", "A_B", "2024-01-01", 1, "Roll call.");

    BundleSummary summary = writer.write(db, SITE, deployDir);

    assertThat(summary.leftOut()).isEmpty();
    assertThat(rows(deployDir.resolve(SITE), "minutes")).extracting(Row::meeting, Row::date)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("A", "B_2024-01-01"),
            org.assertj.core.groups.Tuple.tuple("A_B", "2024-01-01"));
  }

  @Test
  void aDocumentWhoseRowIdIsTakenIsLeftOutAloneNamingTheOtherAndTheRestIsPublished() throws Exception {
    aCouncilSeason();
    // Found by a birthday search: pages of two documents whose 48-bit ids are equal. The clash is on
    // the second document's page 2, so its page 1, already written, must be taken back.
    String first = "Roll call 17952068";
    String second = "Roll call 10578632";
    assertThat(MeetingsDb.rowId("minutes", "CityCouncil", "2024-01-02", 2, second))
        .as("precondition: the two pages' ids collide")
        .isEqualTo(MeetingsDb.rowId("minutes", "A_B", "2024-01-01", 1, first)).isEqualTo("8dfc4687a71f");
    document("minutes", "A_B", "2024-01-01", "completed", "completed", "completed", null, null);
    page("minutes", "A_B", "2024-01-01", 1, first);
    document("minutes", "CityCouncil", "2024-01-02", "completed", "completed", "completed", null, null);
    page("minutes", "CityCouncil", "2024-01-02", 1, "Quorum lost; the council adjourned.");
    page("minutes", "CityCouncil", "2024-01-02", 2, second);

    BundleSummary summary = writer.write(db, SITE, deployDir);

    Path dir = deployDir.resolve(SITE);
    String reason = "left out of the bundle: page 2 has the row id 8dfc4687a71f of minutes/A_B/2024-01-01 page 1"
        + " (12 hex characters of a hash, equal by chance); rename one of the two PDFs";
    assertThat(summary).isEqualTo(new BundleSummary(3, 5, 3, dir,
        List.of(new BundleSummary.LeftOut("minutes/CityCouncil/2024-01-02", reason))));
    assertThat(rows(dir, "minutes")).extracting(Row::meeting, Row::date, Row::page).containsExactly(
        org.assertj.core.groups.Tuple.tuple("A_B", "2024-01-01", 1),
        org.assertj.core.groups.Tuple.tuple("CityCouncil", "2024-01-16", 1),
        org.assertj.core.groups.Tuple.tuple("CityCouncil", "2024-01-16", 2),
        org.assertj.core.groups.Tuple.tuple("CityCouncil", "2024-01-16", 3));
    assertThat(search(dir, "minutes", "quorum")).as("none of the left-out document's pages").isEmpty();
    assertThat(search(dir, "minutes", "bicycle")).hasSize(1);
    JsonNode site = siteJson(dir);
    assertThat(site.get("documents").asInt()).isEqualTo(3);
    assertThat(site.get("minutes").get("pages").asInt()).isEqualTo(4);
    assertThat(site.get("failed_documents")).contains(JSON.readTree(
        "{\"document_id\": \"minutes/CityCouncil/2024-01-02\", \"stage\": \"deploy\", \"error\": "
            + JSON.writeValueAsString(reason) + "}"));
  }
}
