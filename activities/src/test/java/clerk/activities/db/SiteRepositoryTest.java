package clerk.activities.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clerk.activities.TestDatabase;
import clerk.activities.TestDocuments;
import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SiteRepositoryTest {
  static final String SITE = "alameda.ca.us";

  DataSource db;
  SiteRepository repo;

  static DocumentRef doc(String kind, String meeting, String date) {
    return new DocumentRef(SITE, kind, meeting, date);
  }

  final DocumentRef a = doc("minutes", "CityCouncil", "2024-01-15");
  final DocumentRef b = doc("minutes", "CityCouncil", "2024-02-20");
  final DocumentRef c = doc("agendas", "CityCouncil", "2024-01-15");

  @BeforeEach
  void setUp() {
    db = TestDatabase.fresh();
    repo = new SiteRepository(db);
    repo.ensureSite(SITE, "Alameda, CA");
  }

  @Test
  void countersFollowDocumentStatusesExactly() {
    TestDocuments.register(repo, a, b, c);
    assertThat(repo.enterStage(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 3, 0, 0));

    repo.markCompleted(a, Stage.OCR, 3, "3 text layer");
    repo.markCompleted(a, Stage.OCR, 3, "3 text layer"); // a retried activity
    repo.markFailed(SITE, Stage.OCR, b.id(), "not a PDF");
    repo.markFailed(SITE, Stage.OCR, b.id(), "not a PDF"); // recorded twice
    assertThat(repo.counters(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 3, 1, 1));
    // Only documents that completed OCR enter compilation.
    assertThat(repo.counters(SITE, Stage.COMPILATION)).isEqualTo(new StageCounters(Stage.COMPILATION, 1, 0, 0));

    repo.markCompleted(c, Stage.OCR, 1, null);
    repo.markCompleted(a, Stage.COMPILATION, null, null);
    assertThat(repo.counters(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 3, 2, 1));
    assertThat(repo.counters(SITE, Stage.COMPILATION)).isEqualTo(new StageCounters(Stage.COMPILATION, 2, 1, 0));
    assertThat(repo.counters(SITE, Stage.EXTRACTION)).isEqualTo(new StageCounters(Stage.EXTRACTION, 1, 0, 0));
    assertThat(repo.recountCounters(SITE)).as("trigger kept counters equal to the aggregate").isFalse();

    SiteRow row = repo.site(SITE);
    assertThat(row.lastErrorStage()).isEqualTo("ocr");
    assertThat(row.lastErrorMessage()).isEqualTo(b.id() + ": not a PDF");
    assertThat(repo.failedDocuments(SITE)).containsExactly(
        new SiteRepository.FailedDocument(b.id(), "ocr", "not a PDF"));
  }

  @Test
  void countersStayExactWhenOneStatementChangesManyDocumentsOfSeveralSites() throws SQLException {
    // The counters are kept per statement (V10): one statement here inserts, updates or deletes the
    // documents of two sites at once, in every mixture of statuses.
    String other = "berkeley.ca.us";
    repo.ensureSite(other, "Berkeley, CA");
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO documents (subdomain, document_id, kind, meeting, date)"
          + " SELECT site, 'CityCouncil/' || d::date, 'minutes', 'CityCouncil', d::date::text"
          + " FROM unnest(ARRAY['" + SITE + "', '" + other + "']) site,"
          + " generate_series('2024-01-01'::date, '2024-01-30'::date, '1 day') d");
      assertThat(repo.counters(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 30, 0, 0));
      s.execute("UPDATE documents SET ocr_status = CASE WHEN date < '2024-01-21' THEN 'completed' ELSE 'failed' END,"
          + " error = CASE WHEN date < '2024-01-21' THEN NULL ELSE 'not a PDF' END, error_stage = 'ocr'");
      s.execute("UPDATE documents SET compilation_status = 'completed' WHERE date < '2024-01-11'");
      s.execute("UPDATE documents SET extraction_status = 'failed', error = 'too long', error_stage = 'extraction'"
          + " WHERE date < '2024-01-04' AND subdomain = '" + other + "'");
      assertThat(repo.counters(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 30, 20, 10));
      assertThat(repo.counters(other, Stage.EXTRACTION)).isEqualTo(new StageCounters(Stage.EXTRACTION, 10, 0, 3));
      assertThat(repo.site(other).lastErrorStage()).isEqualTo("extraction");
      assertThat(repo.site(SITE).lastErrorMessage()).endsWith(": not a PDF");

      // A statement that changes no status or error leaves the site's row alone.
      java.time.Instant before = repo.site(SITE).updatedAt();
      s.execute("UPDATE documents SET ocr_status = ocr_status, pages = 1 WHERE subdomain = '" + SITE + "'");
      assertThat(repo.site(SITE).updatedAt()).isEqualTo(before);

      s.execute("DELETE FROM documents WHERE date >= '2024-01-25'");
      assertThat(repo.counters(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 24, 20, 4));
    }
    assertThat(repo.recountCounters(SITE)).as("trigger kept counters equal to the aggregate").isFalse();
    assertThat(repo.recountCounters(other)).as("trigger kept counters equal to the aggregate").isFalse();
  }

  @Test
  void aStageIsNotMarkedCompletedOverAnEarlierStageSentBack() {
    TestDocuments.register(repo, a, b);
    repo.markCompleted(a, Stage.OCR, 2, null);
    // b never finished OCR, as when reconciliation sent it back while compilation ran.
    assertThat(repo.markCompleted(b, Stage.COMPILATION, 2, null)).isFalse();
    assertThat(repo.markCompleted(a, Stage.EXTRACTION, null, null)).isFalse();
    assertThat(repo.markCompleted(a, Stage.COMPILATION, 2, null)).isTrue();
    assertThat(repo.hasEntered(b, Stage.COMPILATION)).isFalse();
    assertThat(repo.hasEntered(a, Stage.EXTRACTION)).isTrue();
    assertThat(repo.counters(SITE, Stage.COMPILATION)).isEqualTo(new StageCounters(Stage.COMPILATION, 1, 1, 0));
    assertThatThrownBy(() -> repo.markCompleted(
        new DocumentRef(SITE, "minutes", "CityCouncil", "1999-01-01"), Stage.OCR, 1, null))
        .hasMessageContaining("not registered");
  }

  @Test
  void aCompletedDocumentIsNotFailedByALateFailureReport() {
    TestDocuments.register(repo, a);
    repo.markCompleted(a, Stage.OCR, 2, null);
    repo.markFailed(SITE, Stage.OCR, a.id(), "timed out");
    assertThat(repo.counters(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 1, 1, 0));
  }

  @Test
  void pendingDocumentsPageByIdCursor() {
    TestDocuments.register(repo, a, b, c);
    List<DocumentRef> first = repo.pendingDocuments(SITE, Stage.OCR, null, 2);
    assertThat(first).containsExactly(c, a); // "agendas/…" sorts before "minutes/…"
    assertThat(repo.pendingDocuments(SITE, Stage.OCR, first.get(1).id(), 2)).containsExactly(b);
  }

  @Test
  void failingAWholeStageFailsOnlyItsPendingDocuments() {
    TestDocuments.register(repo, a, b, c);
    for (DocumentRef d : List.of(a, b, c)) {
      repo.markCompleted(d, Stage.OCR, 1, null);
      repo.markCompleted(d, Stage.COMPILATION, null, null);
    }
    repo.markCompleted(a, Stage.EXTRACTION, null, null);
    repo.markCompleted(b, Stage.EXTRACTION, null, null);
    repo.markFailed(SITE, Stage.EXTRACTION, c.id(), "bad");
    assertThat(repo.counters(SITE, Stage.DEPLOY)).isEqualTo(new StageCounters(Stage.DEPLOY, 2, 0, 0));
    assertThat(repo.markFailed(SITE, Stage.DEPLOY, null, "disk full"))
        .isEqualTo(new StageCounters(Stage.DEPLOY, 2, 0, 2));
  }

  @Test
  void aSiteFinishesOnlyWhenItsCountersSaySo() {
    TestDocuments.register(repo, a, b);
    repo.enterStage(SITE, Stage.OCR);
    repo.markCompleted(a, Stage.OCR, 1, null);
    // b is still pending OCR: the site is not finished, nothing changes.
    assertThat(repo.finishSite(SITE, "2 documents, none failed")).isEqualTo(Stage.OCR);
    assertThat(repo.site(SITE).currentStage()).isEqualTo(Stage.OCR);
    assertThat(repo.site(SITE).note()).isNull();

    repo.markFailed(SITE, Stage.OCR, b.id(), "encrypted");
    for (Stage stage : List.of(Stage.COMPILATION, Stage.EXTRACTION)) {
      repo.markCompleted(a, stage, null, null);
    }
    assertThat(repo.finishSite(SITE, "x")).isEqualTo(Stage.DEPLOY);
    repo.transaction(c -> {
      repo.markDeployed(c, SITE);
      return null;
    });
    assertThat(repo.finishSite(SITE, "2 documents, 1 failed")).isEqualTo(Stage.COMPLETED);
    SiteRow done = repo.site(SITE);
    assertThat(done.currentStage()).isEqualTo(Stage.COMPLETED);
    assertThat(done.note()).isEqualTo("2 documents, 1 failed");
    assertThat(done.completedAt()).isNotNull();
  }

  @Test
  void aSiteWhoseDocumentsAllFailedAStageIsFailedNotCompleted() {
    TestDocuments.register(repo, a, b);
    repo.enterStage(SITE, Stage.OCR);
    repo.markFailed(SITE, Stage.OCR, null, "corrupt");

    assertThat(repo.finishSite(SITE, "2 documents, 2 failed")).isEqualTo(Stage.FAILED);
    SiteRow failed = repo.site(SITE);
    assertThat(failed.currentStage()).isEqualTo(Stage.FAILED);
    assertThat(failed.note()).startsWith("needs an operator: all 2 document(s) failed ocr");
  }

  @Test
  void retrySendsFailedDocumentsBackAndTheCountersFollow() {
    TestDocuments.register(repo, a, b, c);
    repo.enterStage(SITE, Stage.OCR);
    repo.markFailed(SITE, Stage.OCR, a.id(), "corrupt");
    repo.markFailed(SITE, Stage.OCR, b.id(), "corrupt");
    repo.markCompleted(c, Stage.OCR, 1, null);
    repo.markFailed(SITE, Stage.COMPILATION, c.id(), "pages table locked");
    assertThat(repo.finishSite(SITE, "x")).isEqualTo(Stage.FAILED);

    assertThat(repo.retryFailed(SITE, Stage.OCR, a.id())).isEqualTo(1);
    assertThat(repo.counters(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 3, 1, 1));
    assertThat(repo.site(SITE).currentStage()).as("work again: back to its stage").isEqualTo(Stage.OCR);
    assertThat(repo.retryFailed(SITE, Stage.OCR, a.id())).as("nothing failed any more").isZero();

    assertThat(repo.retryFailed(SITE, null, null)).isEqualTo(2);
    assertThat(repo.counters(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 3, 1, 0));
    assertThat(repo.counters(SITE, Stage.COMPILATION)).isEqualTo(new StageCounters(Stage.COMPILATION, 1, 0, 0));
    assertThat(repo.failedDocuments(SITE)).isEmpty();
    assertThat(repo.recountCounters(SITE)).isFalse();
  }

  @Test
  void theDatabaseRefusesCountersThatCannotBe() throws SQLException {
    try (Connection conn = db.getConnection(); Statement s = conn.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate(
          "UPDATE sites SET ocr_total = 2, ocr_completed = 3 WHERE subdomain = '" + SITE + "'"))
          .hasMessageContaining("ocr_counts");
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO sites (subdomain) VALUES ('../etc')"))
          .hasMessageContaining("subdomain_format");
    }
  }

  @Test
  void recountRepairsCorruptedCounters() throws SQLException {
    TestDocuments.register(repo, a, b);
    repo.markCompleted(a, Stage.OCR, 1, null);
    try (Connection conn = db.getConnection(); Statement s = conn.createStatement()) {
      s.executeUpdate("UPDATE sites SET ocr_total = 9, ocr_completed = 0, compilation_total = 5"
          + " WHERE subdomain = '" + SITE + "'");
    }
    assertThat(repo.recountCounters(SITE)).isTrue();
    assertThat(repo.counters(SITE, Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 2, 1, 0));
    assertThat(repo.counters(SITE, Stage.COMPILATION)).isEqualTo(new StageCounters(Stage.COMPILATION, 1, 0, 0));
    assertThat(repo.recountCounters(SITE)).isFalse();
  }

  @Test
  void verificationQueriesFromTheOldRunbookRunUnchanged() throws SQLException {
    TestDocuments.register(repo, a, b);
    repo.enterStage(SITE, Stage.OCR);
    repo.markFailed(SITE, Stage.OCR, b.id(), "corrupt");
    String[] queries = {
      "SELECT subdomain, current_stage, ocr_total, ocr_completed, ocr_failed, coordinator_enqueued"
          + " FROM sites WHERE current_stage = 'ocr' LIMIT 10",
      "SELECT current_stage, COUNT(*) as count FROM sites WHERE current_stage IS NOT NULL"
          + " GROUP BY current_stage ORDER BY count DESC",
      "SELECT COUNT(*) as stuck_count FROM sites WHERE current_stage != 'completed'"
          + " AND current_stage IS NOT NULL AND updated_at < NOW() - INTERVAL '2 hours'",
      "SELECT ROUND(100.0 * SUM(ocr_failed) / NULLIF(SUM(ocr_total), 0), 1) as ocr_failure_rate,"
          + " ROUND(100.0 * SUM(compilation_failed) / NULLIF(SUM(compilation_total), 0), 1)"
          + " as compilation_failure_rate FROM sites WHERE ocr_total > 0",
      "SELECT subdomain, current_stage, updated_at, ocr_total, ocr_completed, ocr_failed,"
          + " EXTRACT(EPOCH FROM (NOW() - updated_at))/3600 as hours_stuck FROM sites"
          + " WHERE current_stage != 'completed' AND updated_at < NOW() - INTERVAL '2 hours'"
          + " ORDER BY hours_stuck DESC LIMIT 10",
      "SELECT subdomain, current_stage, ocr_total, ocr_completed, ocr_failed,"
          + " ROUND(100.0 * ocr_failed / NULLIF(ocr_total, 0), 1) as failure_rate FROM sites"
          + " WHERE ocr_total > 0 AND ocr_failed > 0 ORDER BY failure_rate DESC LIMIT 10",
    };
    try (Connection conn = db.getConnection(); Statement s = conn.createStatement()) {
      for (String q : queries) {
        s.executeQuery(q).close();
      }
      var r = s.executeQuery(queries[3]);
      r.next();
      assertThat(r.getBigDecimal("ocr_failure_rate")).isEqualByComparingTo("50.0");
      r = s.executeQuery(queries[0]);
      assertThat(r.next()).isTrue();
      assertThat(r.getInt("ocr_total")).isEqualTo(2);
      assertThat(r.getInt("ocr_failed")).isEqualTo(1);
      assertThat(r.getBoolean("coordinator_enqueued")).isTrue();
    }
  }
}
