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
  /**
   * civic.band's ids of the council minutes' page 3 and of the agenda page, computed independently with
   * Python as civic.band does (see {@link CivicIdsTest}): a change of the id scheme must be on purpose.
   */
  static final String PAGE_3_ID = "2c13e5e87a19";
  static final String AGENDA_ID = "5e270d8837f9";

  @TempDir Path deployDir;
  DataSource db;
  final SiteBundleWriter writer = new SiteBundleWriter(BundlePermissions.WORLD_READABLE);

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
    sql("UPDATE motions SET raw_text = ? WHERE document_id = ? AND seq = 1",
        "Councilmember Daysog moved adoption of Resolution No. 2024-15. Carried 4-1.", doc);
    int seq = 1;
    for (String[] a : new String[][] {{"Daysog", "present"}, {"Herrera Spencer", "present"}, {"Vella", "present"},
        {"Knox White", "absent"}}) {
      sql("INSERT INTO attendance (subdomain, document_id, seq, name, status) VALUES (?, ?, ?, ?, ?)",
          SITE, doc, seq++, a[0], a[1]);
    }
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

  /** The bundle's attendance rows: meeting|date|seq|name|status. */
  static List<String> attendance(Path dir) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = sqlite(dir); ResultSet r = c.createStatement().executeQuery(
        "SELECT meeting, date, seq, name, status FROM attendance ORDER BY meeting, date, seq")) {
      while (r.next()) {
        out.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getInt(3) + "|" + r.getString(4) + "|" + r.getString(5));
      }
    }
    return out;
  }

  /** Ids of the pages {@code ?_search=QUERY} finds, newest first, as Datasette searches. */
  static List<String> search(Path dir, String table, String query) throws SQLException {
    try (Connection c = sqlite(dir)) {
      return Datasette.search(c, table, query);
    }
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
  void publishesCompletedDocumentsWithCivicBandIdsVotesEntitiesAndSearch() throws Exception {
    aCouncilSeason();

    BundleSummary summary = writer.write(db, SITE, deployDir);

    Path dir = deployDir.resolve(SITE);
    assertThat(summary).isEqualTo(new BundleSummary(2, 4, 3, dir, List.of(), 2, 0));
    List<Row> minutes = rows(dir, "minutes");
    assertThat(minutes).extracting(Row::page).containsExactly(1, 2, 3);
    assertThat(minutes).allSatisfy(r -> assertThat(r.id()).matches("[0-9a-f]{12}")
        .isEqualTo(CivicIds.rowId("minutes", r.meeting(), r.date(), r.page(), r.text())));
    assertThat(minutes.get(2).id()).as("civic.band's id of the page, computed by Python").isEqualTo(PAGE_3_ID);
    Row p2 = minutes.get(1);
    assertThat(p2.meeting()).isEqualTo("CityCouncil");
    assertThat(p2.date()).isEqualTo("2024-01-16");
    assertThat(p2.text()).startsWith("Councilmember Daysog moved adoption");
    assertThat(p2.pageImage()).isEqualTo("/CityCouncil/2024-01-16/2.png");

    // civic.band's votes_json: {"votes": [...]} with motion_by, seconded_by, result, tally,
    // individual_votes and raw_text (clerk adds the motion's words).
    assertThat(JSON.readTree(p2.votesJson())).isEqualTo(JSON.readTree("""
        {"votes": [
          {"motion_by": "Daysog", "seconded_by": "Vella", "result": "passed",
           "tally": {"ayes": 4, "nays": 1, "abstain": 0, "absent": 0},
           "individual_votes": [{"name": "Daysog", "vote": "aye"}, {"name": "Vella", "vote": "aye"},
                                {"name": "Herrera Spencer", "vote": "aye"}, {"name": "Ezzy Ashcraft", "vote": "aye"},
                                {"name": "Knox White", "vote": "nay"}],
           "raw_text": "Councilmember Daysog moved adoption of Resolution No. 2024-15. Carried 4-1.",
           "motion": "Adopt Resolution No. 2024-15"},
          {"motion_by": "Vella", "seconded_by": null, "result": "unknown",
           "tally": {"ayes": null, "nays": null, "abstain": null, "absent": null},
           "individual_votes": [], "raw_text": null, "motion": "Continue item 5-B"}]}"""));
    assertThat(JSON.readTree(minutes.get(0).votesJson())).isEqualTo(JSON.readTree("{\"votes\": []}"));

    // civic.band's entities_json: persons (with the title found), orgs, locations; and clerk's own keys.
    assertThat(JSON.readTree(p2.entitiesJson())).isEqualTo(JSON.readTree("""
        {"persons": [{"text": "Daysog", "title": "Councilmember"}, {"text": "Vella", "title": "Councilmember"}],
         "orgs": [], "locations": [], "resolutions": ["Resolution No. 2024-15"], "ordinances": [],
         "amounts": ["$1,250,000"]}"""));
    assertThat(JSON.readTree(minutes.get(0).entitiesJson()).get("persons")).isEqualTo(JSON.readTree("""
        [{"text": "Ezzy Ashcraft", "title": "Mayor"}, {"text": "Daysog", "title": "Councilmember"},
         {"text": "Herrera Spencer", "title": "Councilmember"}, {"text": "Vella", "title": "Councilmember"}]"""));

    List<Row> agendas = rows(dir, "agendas");
    assertThat(agendas).singleElement().satisfies(r -> assertThat(r.id())
        .isEqualTo(CivicIds.rowId("agendas", "CityCouncil", "2024-01-16", 1, r.text())).isEqualTo(AGENDA_ID));
    assertThat(agendas.get(0).pageImage()).isEqualTo("/_agendas/CityCouncil/2024-01-16/1.png");
    JsonNode agendaEntities = JSON.readTree(agendas.get(0).entitiesJson());
    assertThat(agendaEntities.get("ordinances").get(0).asText()).isEqualTo("Ordinance No. 3345");
    assertThat(agendaEntities.get("locations")).isEqualTo(JSON.readTree("[{\"text\": \"1550 Oak Street\"}]"));

    assertThat(attendance(dir)).containsExactly("CityCouncil|2024-01-16|1|Daysog|present",
        "CityCouncil|2024-01-16|2|Herrera Spencer|present", "CityCouncil|2024-01-16|3|Vella|present",
        "CityCouncil|2024-01-16|4|Knox White|absent");

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
        {"name": "Alameda, CA", "format": 2, "documents": 2, "pages": 4, "motions": 3,
         "minutes": {"documents": 1, "pages": 3}, "agendas": {"documents": 1, "pages": 1},
         "failed_documents": [{"document_id": "minutes/CityCouncil/2024-03-05", "stage": "compilation",
                               "error": "page 4: no text"}],
         "page_warnings": {"total": 0, "warnings": []}}"""));
  }

  @Test
  void datasetteFindsTheFullTextIndexAndSearchesThroughIt() throws Exception {
    aCouncilSeason();
    writer.write(db, SITE, deployDir);

    try (Connection c = sqlite(deployDir.resolve(SITE))) {
      assertThat(Datasette.detectFts(c, "minutes")).isEqualTo("minutes_fts");
      assertThat(Datasette.detectFts(c, "agendas")).isEqualTo("agendas_fts");
      // ?_search=bicycle lane, and a phrase, as Datasette turns them into SQL.
      assertThat(Datasette.search(c, "minutes", "bicycle lane")).containsExactly(
          CivicIds.rowId("minutes", "CityCouncil", "2024-01-16", 2, rows(deployDir.resolve(SITE), "minutes").get(1).text()));
      assertThat(Datasette.search(c, "minutes", "\"lane contract\"")).hasSize(1);
      assertThat(Datasette.search(c, "minutes", "\"contract lane\"")).isEmpty();
      assertThat(Datasette.search(c, "agendas", "oak")).hasSize(1);
    }
    // The declaration as the old bundle wrote it, content='minutes', is what Datasette did not find.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      c.createStatement().execute("CREATE TABLE minutes (text TEXT)");
      c.createStatement().execute("CREATE VIRTUAL TABLE minutes_fts USING fts5(text, content='minutes')");
      assertThat(Datasette.detectFts(c, "minutes")).as("negative control").isNull();
    }
  }

  @Test
  void metadataJsonMakesDatasetteShowAUsableSiteWithNoOptions() throws Exception {
    writer.write(db, SITE, deployDir);

    JsonNode m = JSON.readTree(deployDir.resolve(SITE).resolve("metadata.json").toFile());
    assertThat(m.get("title").asText()).isEqualTo("Alameda, CA meeting minutes and agendas");
    assertThat(m.get("source").asText()).isEqualTo("Alameda, CA");
    assertThat(m.get("license").asText()).isNotBlank();
    JsonNode tables = m.get("databases").get("meetings").get("tables");
    for (String table : List.of("minutes", "agendas")) {
      assertThat(tables.get(table).get("fts_table").asText()).isEqualTo(table + "_fts");
      assertThat(tables.get(table).get("fts_pk").asText()).isEqualTo("rowid");
      assertThat(tables.get(table).get("sort_desc").asText()).isEqualTo("date");
    }
    assertThat(tables.get("_clerk_documents").get("hidden").asBoolean()).isTrue();
  }

  @Test
  void aDeployWritesOnlyWhatChangedAndRemovesWhatWasWithdrawn() throws Exception {
    aCouncilSeason();
    writer.write(db, SITE, deployDir);
    Path dir = deployDir.resolve(SITE);
    List<Row> before = rows(dir, "minutes");

    BundleSummary again = writer.write(db, SITE, deployDir);
    assertThat(again.written()).as("nothing changed, nothing written").isZero();
    assertThat(again.removed()).isZero();
    assertThat(rows(dir, "minutes")).isEqualTo(before);
    assertThat(rows(dir, "agendas")).hasSize(1);

    // Extraction of the planning board minutes completes: only they are written.
    sql("UPDATE documents SET extraction_status = 'completed', extraction_at = now() WHERE document_id = ?",
        "minutes/PlanningBoard/2024-02-12");
    BundleSummary summary = writer.write(db, SITE, deployDir);
    assertThat(summary).isEqualTo(new BundleSummary(3, 5, 3, dir, List.of(), 1, 0));
    assertThat(search(dir, "minutes", "zeppelin")).containsExactly(CivicIds.rowId("minutes", "PlanningBoard",
        "2024-02-12", 1, "Board Member Teague discussed the zeppelin hangar."));
    assertThat(siteJson(dir).get("pages").asInt()).isEqualTo(5);

    // A page's text corrected (compiled again): the document is written again, with its new text. The
    // database written is the one readers did not see, a deploy behind: it also catches up with the
    // planning board minutes of the last deploy.
    sql("UPDATE pages SET text = 'Mayor Ezzy Ashcraft adjourned the meeting at 9 p.m.' WHERE document_id = ?"
        + " AND page = 3", "minutes/CityCouncil/2024-01-16");
    sql("UPDATE documents SET compilation_at = now() + interval '1 second' WHERE document_id = ?",
        "minutes/CityCouncil/2024-01-16");
    assertThat(writer.write(db, SITE, deployDir)).extracting(BundleSummary::written, BundleSummary::removed)
        .containsExactly(2, 1);
    assertThat(search(dir, "minutes", "p.m")).hasSize(1);
    assertThat(search(dir, "minutes", "adjourned")).hasSize(1).doesNotContain(PAGE_3_ID);

    // A withdrawn document (its PDF deleted): its rows and its search entries go.
    sql("DELETE FROM documents WHERE document_id = ?", "minutes/CityCouncil/2024-01-16");
    BundleSummary withdrawn = writer.write(db, SITE, deployDir);
    assertThat(withdrawn).extracting(BundleSummary::written, BundleSummary::removed, BundleSummary::pages)
        .containsExactly(0, 1, 2);
    assertThat(search(dir, "minutes", "bicycle")).isEmpty();
    assertThat(rows(dir, "minutes")).extracting(Row::meeting).containsExactly("PlanningBoard");
    assertThat(attendance(dir)).as("the withdrawn minutes' attendance goes with them").isEmpty();
    try (Connection c = sqlite(dir); ResultSet r = c.createStatement().executeQuery(
        "SELECT count(*) FROM minutes_fts WHERE minutes_fts MATCH 'meeting'")) {
      r.next();
      assertThat(r.getInt(1)).as("the index holds no entry of the withdrawn pages").isZero();
    }
    try (Connection c = sqlite(dir)) {
      // FTS5 checks its index against the content table and fails (SQLITE_CORRUPT_VTAB) when they differ.
      c.createStatement().execute("INSERT INTO minutes_fts(minutes_fts, rank) VALUES ('integrity-check', 1)");
    }
  }

  @Test
  void meetingsDbIsSwitchedByOneRenameAndTheOldDatabaseWaitsAsTheNextStandby() throws Exception {
    aCouncilSeason();
    writer.write(db, SITE, deployDir);
    Path dir = deployDir.resolve(SITE);
    Path link = dir.resolve("meetings.db");
    assertThat(link).isSymbolicLink();
    Path first = Files.readSymbolicLink(link);

    sql("UPDATE documents SET extraction_status = 'completed', extraction_at = now() WHERE document_id = ?",
        "minutes/PlanningBoard/2024-02-12");
    writer.write(db, SITE, deployDir);
    Path second = Files.readSymbolicLink(link);
    assertThat(second).isNotEqualTo(first);
    assertThat(List.of(first.toString(), second.toString())).containsExactlyInAnyOrder(".meetings-a.db", ".meetings-b.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(first))) {
      assertThat(c.createStatement().executeQuery("SELECT count(*) FROM minutes").getInt(1))
          .as("the previous database is left whole for readers that still have it open").isEqualTo(3);
    }
    assertThat(deployDirEntries()).containsExactly("." + SITE + ".lock", SITE);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly(
          ".meetings-a.db", ".meetings-b.db", "meetings.db", "metadata.json", "site.json");
    }
  }

  @Test
  void readersAlwaysFindAWholeDatabaseWhileDeploysSwitchIt() throws Exception {
    aCouncilSeason();
    writer.write(db, SITE, deployDir);
    Path link = deployDir.resolve(SITE).resolve("meetings.db");
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      while (!done.get()) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + link + "?mode=ro");
            ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM minutes")) {
          seen.add(String.valueOf(r.getInt(1)));
        } catch (Exception e) {
          seen.add("failed: " + e.getMessage());
        }
      }
    });
    reader.start();
    try {
      for (int i = 0; i < 20; i++) {
        sql("UPDATE documents SET extraction_status = ?, extraction_at = now() WHERE document_id = ?",
            i % 2 == 0 ? "completed" : "pending", "minutes/PlanningBoard/2024-02-12");
        writer.write(db, SITE, deployDir);
      }
    } finally {
      done.set(true);
      reader.join();
    }
    assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s).isIn("3", "4"));
  }

  @Test
  void aDeployThatStopsHalfWayGoesOnFromItsLastBatchAndReadersKeepThePreviousBundle() throws Exception {
    for (int d = 1; d <= 6; d++) {
      String date = "2024-02-0" + d;
      document("minutes", "CityCouncil", date, "completed", "completed", "completed", null, null);
      page("minutes", "CityCouncil", date, 1, "Minutes of meeting " + d + ": the council met.");
    }
    SiteBundleWriter small = new SiteBundleWriter(BundlePermissions.WORLD_READABLE, 2, Integer.MAX_VALUE);
    small.write(db, SITE, deployDir);
    for (int d = 1; d <= 6; d++) {
      sql("UPDATE pages SET text = ? WHERE document_id = ?", "Minutes of meeting " + d + ": corrected.",
          "minutes/CityCouncil/2024-02-0" + d);
      sql("UPDATE documents SET compilation_at = now() + interval '1 minute' WHERE document_id = ?",
          "minutes/CityCouncil/2024-02-0" + d);
    }

    // The attempt is lost after its second batch (Temporal gave up on it; the worker died).
    List<Integer> reported = new ArrayList<>();
    assertThatThrownBy(() -> small.write(db, SITE, deployDir, (written, toWrite) -> {
      reported.add(written);
      if (written == 4) {
        throw new IllegalStateException("attempt lost");
      }
    })).hasMessage("attempt lost");
    assertThat(reported).containsExactly(0, 2, 4);
    Path dir = deployDir.resolve(SITE);
    assertThat(search(dir, "minutes", "corrected")).as("readers still see the previous bundle").isEmpty();
    assertThat(search(dir, "minutes", "met")).hasSize(6);

    BundleSummary resumed = small.write(db, SITE, deployDir);
    assertThat(resumed.written()).as("only what the lost attempt had not committed").isEqualTo(2);
    assertThat(search(dir, "minutes", "corrected")).hasSize(6);
    assertThat(search(dir, "minutes", "met")).isEmpty();
    assertThat(siteJson(dir).get("documents").asInt()).isEqualTo(6);
  }

  @Test
  void aBulkWriteThatStopsHalfWayIsEndedByTheNextAttemptWithAWholeIndex() throws Exception {
    for (int d = 1; d <= 6; d++) {
      String date = "2024-02-0" + d;
      document("minutes", "CityCouncil", date, "completed", "completed", "completed", null, null);
      page("minutes", "CityCouncil", date, 1, "Minutes of meeting " + d + ": the council met.");
    }
    // Every write of two or more pages is a bulk write here: rows first, the index rebuilt at the end.
    SiteBundleWriter bulk = new SiteBundleWriter(BundlePermissions.WORLD_READABLE, 2, 2);
    assertThatThrownBy(() -> bulk.write(db, SITE, deployDir, (written, toWrite) -> {
      if (written == 4) {
        throw new IllegalStateException("attempt lost");
      }
    })).hasMessage("attempt lost");
    assertThat(deployDir.resolve(SITE).resolve("meetings.db")).as("nothing published yet").doesNotExist();

    BundleSummary resumed = bulk.write(db, SITE, deployDir);

    assertThat(resumed.written()).isEqualTo(2);
    Path dir = deployDir.resolve(SITE);
    assertThat(search(dir, "minutes", "council")).as("every page indexed, the first batches too").hasSize(6);
    try (Connection c = sqlite(dir)) {
      c.createStatement().execute("INSERT INTO minutes_fts(minutes_fts, rank) VALUES ('integrity-check', 1)");
      assertThat(c.createStatement().executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
          .getInt(1)).as("the triggers are back").isEqualTo(6);
      assertThat(c.createStatement().executeQuery("SELECT count(*) FROM _clerk_state").getInt(1)).isZero();
    }
    // Later small changes go through the triggers.
    sql("UPDATE pages SET text = 'Minutes of meeting 1: adjourned early.' WHERE document_id = ?",
        "minutes/CityCouncil/2024-02-01");
    sql("UPDATE documents SET compilation_at = now() + interval '1 minute' WHERE document_id = ?",
        "minutes/CityCouncil/2024-02-01");
    new SiteBundleWriter(BundlePermissions.WORLD_READABLE).write(db, SITE, deployDir);
    assertThat(search(dir, "minutes", "early")).hasSize(1);
    assertThat(search(dir, "minutes", "met")).hasSize(5);
  }

  @Test
  void aBundleOfTheOldLayoutIsReplacedByTheNewOne() throws Exception {
    aCouncilSeason();
    Path dir = Files.createDirectories(deployDir.resolve(SITE));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meetings.db"))) {
      c.createStatement().execute("CREATE TABLE minutes (id TEXT PRIMARY KEY, text TEXT)");
      c.createStatement().execute("INSERT INTO minutes VALUES ('CityCouncil_2024-01-16_p1', 'old')");
    }
    Files.writeString(dir.resolve("site.json"), "{\"fingerprint\": \"old\"}");

    writer.write(db, SITE, deployDir);

    assertThat(dir.resolve("meetings.db")).isSymbolicLink();
    assertThat(rows(dir, "minutes")).extracting(Row::id).contains(PAGE_3_ID).doesNotContain("CityCouncil_2024-01-16_p1");
    assertThat(siteJson(dir).get("format").asInt()).isEqualTo(MeetingsDb.FORMAT);
  }

  @Test
  void theBundleIsReadableByTheWebServersGroup() throws Exception {
    aCouncilSeason();
    new SiteBundleWriter(BundlePermissions.of("www-data")).write(db, SITE, deployDir);

    Path dir = deployDir.resolve(SITE);
    for (Path p : List.of(dir, dir.resolve("meetings.db").toRealPath(), dir.resolve("site.json"),
        dir.resolve("metadata.json"))) {
      assertThat(Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class).group().getName())
          .as(p.toString()).isEqualTo("www-data");
    }
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwxr-x---");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("meetings.db").toRealPath()))).isEqualTo("rw-r-----");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("site.json")))).isEqualTo("rw-r-----");

    // Without a group, readable by everyone; a group that does not exist, when named, fails the deploy.
    new SiteBundleWriter(BundlePermissions.of("")).write(db, SITE, deployDir);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("site.json")))).isEqualTo("rw-r--r--");
    assertThatThrownBy(() -> new SiteBundleWriter(BundlePermissions.of("no-such-group-here")).write(db, SITE, deployDir))
        .hasMessageContaining("cannot give it to group no-such-group-here");
  }

  @Test
  void leftoversOfACrashedDeployOfTheOldLayoutAreCleanedUp() throws Exception {
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
    assertThat(summary).isEqualTo(new BundleSummary(0, 0, 0, dir, List.of(), 0, 0));
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
    assertThat(site.get("fingerprint").asText()).isEqualTo(SiteBundleWriter.EMPTY_FINGERPRINT);
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
    // (Both ids checked with Python's hashlib and json.dumps as civic.band computes them.)
    String first = "Roll call 4869316";
    String second = "Roll call 6367244";
    assertThat(CivicIds.rowId("minutes", "CityCouncil", "2024-01-02", 2, second))
        .as("precondition: the two pages' ids collide")
        .isEqualTo(CivicIds.rowId("minutes", "A_B", "2024-01-01", 1, first)).isEqualTo("457708523b73");
    document("minutes", "A_B", "2024-01-01", "completed", "completed", "completed", null, null);
    page("minutes", "A_B", "2024-01-01", 1, first);
    document("minutes", "CityCouncil", "2024-01-02", "completed", "completed", "completed", null, null);
    page("minutes", "CityCouncil", "2024-01-02", 1, "Quorum lost; the council adjourned.");
    page("minutes", "CityCouncil", "2024-01-02", 2, second);

    BundleSummary summary = writer.write(db, SITE, deployDir);

    Path dir = deployDir.resolve(SITE);
    String reason = "left out of the bundle: page 2 has the row id 457708523b73 of minutes/A_B/2024-01-01 page 1"
        + " (12 hex characters of a hash, equal by chance); rename one of the two PDFs";
    assertThat(summary).isEqualTo(new BundleSummary(3, 5, 3, dir,
        List.of(new BundleSummary.LeftOut("minutes/CityCouncil/2024-01-02", reason)), 3, 0));
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

    // The next deploy tries the left-out document again (it is not recorded as held) and leaves it out again.
    BundleSummary again = writer.write(db, SITE, deployDir);
    assertThat(again.leftOut()).extracting(BundleSummary.LeftOut::reason).containsExactly(reason);
    assertThat(again.written()).isZero();
  }
}
