package clerk.activities.extract;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.TestDatabase;
import clerk.activities.db.SiteRepository;
import clerk.workflows.DocumentRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MotionWriterTest {
  static final String SITE = "alameda.ca.us";
  final DocumentRef doc = new DocumentRef(SITE, "minutes", "CityCouncil", "2024-01-16");
  final DocumentRef other = new DocumentRef(SITE, "minutes", "CityCouncil", "2024-02-06");

  DataSource db;

  final List<Motion> motions = List.of(
      new Motion(1, 1, "to approve the Consent Calendar", "Daysog", "Herrera Spencer", "carried",
          4, 0, null, 1, Map.of("ayes", List.of("Daysog", "Herrera Spencer", "Jensen", "Ashcraft"),
              "nays", List.of(), "absent", List.of("Vella"))),
      new Motion(2, 2, "to continue the item", null, null, null, null, null, null, null, Map.of()));

  @BeforeEach
  void setUp() {
    db = TestDatabase.fresh();
    SiteRepository repo = new SiteRepository(db);
    repo.ensureSite(SITE, "Alameda, CA");
    clerk.activities.TestDocuments.register(repo, doc, other);
  }

  @Test
  void replacingTwiceLeavesTheSameRowsAndOtherDocumentsAlone() throws SQLException {
    replace(other, List.of(new Motion(1, 1, "to adjourn", "Vella", "Jensen", "carried", 5, 0, 0, 0,
        Map.of())));
    replace(doc, motions);
    List<String> first = rows();
    replace(doc, motions);

    assertThat(rows()).isEqualTo(first).containsExactly(
        "minutes/CityCouncil/2024-01-16|1|1|to approve the Consent Calendar|Daysog|Herrera Spencer"
            + "|carried|4|0|null|1|{\"ayes\": [\"Daysog\", \"Herrera Spencer\", \"Jensen\", \"Ashcraft\"],"
            + " \"nays\": [], \"absent\": [\"Vella\"]}",
        "minutes/CityCouncil/2024-01-16|2|2|to continue the item|null|null|null|null|null|null|null|{}",
        "minutes/CityCouncil/2024-02-06|1|1|to adjourn|Vella|Jensen|carried|5|0|0|0|{}");
  }

  @Test
  void fewerMotionsOnASecondRunRemoveTheRest() throws SQLException {
    replace(doc, motions);
    replace(doc, motions.subList(0, 1));
    assertThat(rows()).hasSize(1);
    replace(doc, List.of());
    assertThat(rows()).isEmpty();
  }

  @Test
  void writesInTheCallersTransaction() throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      MotionWriter.replace(c, SITE, Map.of(doc.id(), motions));
      c.rollback();
    }
    assertThat(rows()).as("nothing committed by the writer").isEmpty();
  }

  @Test
  void extractedSampleTextRoundTrips() throws SQLException {
    List<Motion> extracted = new MotionExtractor().extract(List.of(
        "Motion by Councilmember Jensen, seconded by Councilmember Vella, to approve the Consent"
            + " Calendar. Motion carried by the following vote: AYES: Councilmembers Daysog, Jensen,"
            + " Vella and Mayor Ashcraft (4). NOES: Councilmember O'Brien (1). ABSENT: None."));
    replace(doc, extracted);
    assertThat(rows()).containsExactly(
        "minutes/CityCouncil/2024-01-16|1|1|to approve the Consent Calendar|Jensen|Vella|carried|4|1"
            + "|null|0|{\"ayes\": [\"Daysog\", \"Jensen\", \"Vella\", \"Ashcraft\"], \"nays\":"
            + " [\"O'Brien\"], \"absent\": []}");
    // The motion's own words, from its start to the end of its roll call, kept for civic.band's raw_text.
    assertThat(rawTexts()).containsExactly("Motion by Councilmember Jensen, seconded by Councilmember Vella, to"
        + " approve the Consent Calendar. Motion carried by the following vote: AYES: Councilmembers Daysog,"
        + " Jensen, Vella and Mayor Ashcraft (4). NOES: Councilmember O'Brien (1). ABSENT: None");
  }

  private List<String> rawTexts() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT raw_text FROM motions ORDER BY document_id, seq")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  private void replace(DocumentRef d, List<Motion> list) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      MotionWriter.replace(c, SITE, Map.of(d.id(), list));
      c.commit();
    }
  }

  private List<String> rows() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT document_id, page, seq, motion, mover, seconder, result,"
            + " ayes, nays, abstain, absent, votes::text FROM motions ORDER BY document_id, seq")) {
      while (r.next()) {
        List<String> cols = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
          cols.add(String.valueOf(r.getString(i)));
        }
        out.add(String.join("|", cols));
      }
    }
    return out;
  }
}
