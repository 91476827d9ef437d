package clerk.activities.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clerk.activities.SiteInventory;
import clerk.activities.TestDatabase;
import clerk.activities.db.SiteRepository;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reconciliation of one site against a real PostgreSQL and a real storage folder. */
class SiteReconcilerTest {
  static final String SITE = "alameda.ca.us";

  @TempDir Path storageDir;
  @TempDir Path deployDir;
  DataSource db;
  SiteRepository repository;
  SiteStorage storage;
  SiteReconciler reconciler;

  final DocumentRef a = new DocumentRef(SITE, "minutes", "CityCouncil", "2024-01-15");
  final DocumentRef b = new DocumentRef(SITE, "minutes", "CityCouncil", "2024-02-20");
  final DocumentRef c = new DocumentRef(SITE, "agendas", "PlanningCommission", "2024-03-05");
  final DocumentRef d = new DocumentRef(SITE, "minutes", "PlanningCommission", "2024-03-12");

  @BeforeEach
  void setUp() throws IOException {
    db = TestDatabase.fresh();
    repository = new SiteRepository(db);
    storage = new SiteStorage(storageDir);
    reconciler = new SiteReconciler(storage, repository, deployDir);
    repository.ensureSite(SITE, "Alameda, CA");
    for (DocumentRef doc : List.of(a, b, c, d)) {
      pdf(doc);
    }
  }

  void pdf(DocumentRef doc) throws IOException {
    Path file = storage.pdf(doc);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "%PDF-1.4 stand-in: reconciliation never opens PDFs\n%%EOF\n");
  }

  void text(DocumentRef doc, int pages) throws IOException {
    Path dir = storage.textDir(doc);
    Files.createDirectories(dir);
    for (int p = 1; p <= pages; p++) {
      Files.writeString(dir.resolve("page-" + p + ".txt"), "page " + p);
    }
  }

  /** OCR done for a, b (3 and 2 pages), c failed, d pending; the site in OCR. */
  void midOcr() throws IOException {
    text(a, 3);
    text(b, 2);
    new SiteInventory(storage, repository).sync(SITE);
    repository.enterStage(SITE, Stage.OCR);
    repository.markFailed(SITE, Stage.OCR, c.id(), "truncated PDF");
  }

  void sql(String statement) throws SQLException {
    try (Connection conn = db.getConnection(); Statement s = conn.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void countersTooHighTooLowAndAWrongStageAreRepairedInOneRun() throws Exception {
    midOcr();
    StageCounters right = repository.counters(SITE, Stage.OCR);
    assertThat(right).isEqualTo(new StageCounters(Stage.OCR, 4, 2, 1));
    // Written behind the trigger's back, as the old system's migration did (pages counted as documents).
    sql("UPDATE sites SET ocr_completed = 5, ocr_total = 6, ocr_failed = 0, compilation_total = 0,"
        + " extraction_total = 9, current_stage = 'extraction' WHERE subdomain = '" + SITE + "'");

    SiteReconciler.Repair repair = reconciler.repair(SITE, false);

    assertThat(repair.stage()).isEqualTo(Stage.OCR);
    assertThat(repair.allFailed()).isFalse();
    assertThat(repair.before().currentStage()).isEqualTo(Stage.EXTRACTION);
    assertThat(repair.before().counters(Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 6, 5, 0));
    assertThat(repair.repairs()).containsExactlyInAnyOrder(
        "current_stage: extraction → ocr",
        "ocr_total: 6 → 4", "ocr_completed: 5 → 2", "ocr_failed: 0 → 1",
        "compilation_total: 0 → 2", "extraction_total: 9 → 0");
    SiteRow row = repository.site(SITE);
    assertThat(row.currentStage()).isEqualTo(Stage.OCR);
    assertThat(row.counters(Stage.OCR)).isEqualTo(right);
    assertThat(row.counters()).isEqualTo(repair.after().counters());
    assertThat(repair.pdfs()).isEqualTo(4);
    assertThat(repair.texts()).isEqualTo(2);

    assertThat(reconciler.repair(SITE, false).repairs()).as("a second run finds nothing to repair").isEmpty();
  }

  @Test
  void theFilesystemIsTheTruthForEveryStage() throws Exception {
    midOcr();
    // Compilation and extraction completed for a and b, deploy too, as far as the database knows.
    for (DocumentRef doc : List.of(a, b)) {
      for (Stage stage : List.of(Stage.COMPILATION, Stage.EXTRACTION, Stage.DEPLOY)) {
        repository.markCompleted(doc, stage, null, null);
      }
    }
    sql("INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text) SELECT subdomain,"
        + " document_id, kind, meeting, date, g, 'text' FROM documents, generate_series(1, pages) g"
        + " WHERE document_id IN ('" + a.id() + "', '" + b.id() + "')");
    // a's text folder vanished; one of b's page rows was deleted; there is no bundle in DEPLOY_DIR;
    // a new PDF arrived; d has a half-written folder from a killed OCR.
    Files.walk(storage.textDir(a)).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    sql("DELETE FROM pages WHERE document_id = '" + b.id() + "' AND page = 2");
    DocumentRef e = new DocumentRef(SITE, "minutes", "CityCouncil", "2024-04-01");
    pdf(e);
    Files.createDirectories(storage.textDir(d).resolveSibling("." + d.date() + ".partial"));

    SiteReconciler.Repair repair = reconciler.repair(SITE, false);

    assertThat(repair.repairs()).contains(
        "1 PDF on disk registered",
        "1 document whose text is missing sent back to OCR",
        "1 compiled document with missing page rows sent back to compilation");
    assertThat(repair.partial()).as("the half-written folder is seen, not counted as text").isEqualTo(1);
    assertThat(repair.stage()).isEqualTo(Stage.OCR);
    SiteRow row = repository.site(SITE);
    assertThat(row.counters(Stage.OCR)).isEqualTo(new StageCounters(Stage.OCR, 5, 1, 1));
    assertThat(row.counters(Stage.COMPILATION)).isEqualTo(new StageCounters(Stage.COMPILATION, 1, 0, 0));
    assertThat(row.counters(Stage.DEPLOY)).isEqualTo(new StageCounters(Stage.DEPLOY, 0, 0, 0));
    assertThat(repository.pendingDocuments(SITE, Stage.OCR, null, 10)).containsExactly(a, e, d);
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  void deployedDocumentsWithoutABundleGoBackToDeploy() throws Exception {
    midOcr();
    for (DocumentRef doc : List.of(a, b)) {
      repository.markCompleted(doc, Stage.COMPILATION, null, null);
      repository.markCompleted(doc, Stage.EXTRACTION, null, null);
      repository.markCompleted(doc, Stage.DEPLOY, null, null);
    }
    sql("INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text) SELECT subdomain,"
        + " document_id, kind, meeting, date, g, 'text' FROM documents, generate_series(1, pages) g"
        + " WHERE ocr_status = 'completed'");
    repository.markFailed(SITE, Stage.OCR, d.id(), "encrypted");

    SiteReconciler.Repair repair = reconciler.repair(SITE, false);
    assertThat(repair.repairs()).contains("2 deployed documents without a bundle in DEPLOY_DIR sent back to deploy");
    assertThat(repair.stage()).isEqualTo(Stage.DEPLOY);

    // With the bundle in place everything is done: the site is marked completed.
    deploy();
    SiteReconciler.Repair done = reconciler.repair(SITE, false);
    assertThat(done.stage()).isEqualTo(Stage.COMPLETED);
    assertThat(repository.site(SITE).currentStage()).isEqualTo(Stage.COMPLETED);
    assertThat(repository.site(SITE).coordinatorEnqueued()).isFalse();

    // A bundle that is not the site's documents as they are (an old backup put back, a stray copy).
    Files.writeString(deployDir.resolve(SITE).resolve("site.json"), "{\"fingerprint\": \"0000\"}");
    SiteReconciler.Repair stale = reconciler.repair(SITE, false);
    assertThat(stale.repairs()).contains(
        "bundle in DEPLOY_DIR is not the site's documents as they are now: 2 documents sent back to deploy");
    assertThat(stale.stage()).isEqualTo(Stage.DEPLOY);
  }

  @Test
  void aRemovedPdfLeavesTheDatabaseAndTheBundleAndItsTextIsDeleted() throws Exception {
    completedAndDeployed();
    Files.delete(storage.pdf(a));

    SiteReconciler.Repair repair = reconciler.repair(SITE, false);

    assertThat(repair.repairs()).contains("1 document whose PDF is gone removed (pages, motions and text with them)",
        "bundle in DEPLOY_DIR is not the site's documents as they are now: 1 document sent back to deploy");
    assertThat(repair.stage()).as("deploy again, without it").isEqualTo(Stage.DEPLOY);
    assertThat(storage.textDir(a)).doesNotExist();
    assertThat(count("SELECT count(*) FROM pages WHERE document_id = '" + a.id() + "'")).isZero();
    assertThat(count("SELECT count(*) FROM documents")).isEqualTo(3);

    // Every publishable document gone: nothing will deploy, so the bundle is rewritten empty here.
    Files.delete(storage.pdf(b));
    SiteReconciler.Repair empty = reconciler.repair(SITE, false);
    assertThat(empty.repairs()).contains(
        "bundle in DEPLOY_DIR still publishes documents the site no longer has: rewritten empty");
    assertThat(SiteBundleWriter.fingerprintOnDisk(deployDir, SITE)).isEqualTo(SiteBundleWriter.EMPTY_FINGERPRINT);
    assertThat(reconciler.repair(SITE, false).repairs()).isEmpty();
  }

  @Test
  void aChangedPdfOrDamagedTextRunsFromOcrAgainAndAFailedDocumentsNewPdfIsRetried() throws Exception {
    completedAndDeployed();
    // a: replaced by another scan; b: a page file emptied; d (failed) replaced by a good PDF.
    Files.writeString(storage.pdf(a), "%PDF-1.4 a new scan, other content and size\n%%EOF\n");
    Files.writeString(storage.textDir(b).resolve("page-2.txt"), "");
    Files.writeString(storage.pdf(d), "%PDF-1.4 the good copy of d\n%%EOF\n");

    SiteReconciler.Repair repair = reconciler.repair(SITE, false);

    assertThat(repair.repairs()).contains(
        "2 documents whose PDF changed on disk sent back to OCR",
        "1 document whose text on disk is damaged sent back to OCR");
    assertThat(repair.stage()).isEqualTo(Stage.OCR);
    assertThat(repository.pendingDocuments(SITE, Stage.OCR, null, 10)).containsExactly(a, b, d);
    assertThat(storage.textDir(a)).as("text of the old PDF deleted").doesNotExist();
    assertThat(storage.textDir(b)).as("damaged text deleted").doesNotExist();
    assertThat(repository.failedDocuments(SITE)).extracting(SiteRepository.FailedDocument::documentId)
        .containsExactly(c.id());
    assertThat(repository.recountCounters(SITE)).isFalse();
  }

  @Test
  void theLastPageFileDeletedIsDamageEvenThoughTheRestLooksWhole() throws Exception {
    completedAndDeployed();
    Files.delete(storage.textDir(a).resolve("page-3.txt"));

    SiteReconciler.Repair repair = reconciler.repair(SITE, false);

    assertThat(repair.repairs()).contains("1 document whose text on disk is damaged sent back to OCR");
    assertThat(repository.pendingDocuments(SITE, Stage.OCR, null, 10)).containsExactly(a);
  }

  @Test
  void aTouchedPdfWithTheSameContentIsNotAChange() throws Exception {
    completedAndDeployed();
    // As OCR records it, before the bundle was built.
    sql("UPDATE documents SET pdf_sha256 = '" + storage.sha256(a) + "' WHERE document_id = '" + a.id() + "'");
    deploy();
    Files.setLastModifiedTime(storage.pdf(a), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));

    assertThat(reconciler.repair(SITE, false).repairs()).isEmpty();
    assertThat(repository.site(SITE).currentStage()).isEqualTo(Stage.COMPLETED);
  }

  /** a, b through every stage and published (3 and 2 pages); c failed OCR, d failed OCR. */
  void completedAndDeployed() throws Exception {
    midOcr();
    repository.markFailed(SITE, Stage.OCR, d.id(), "encrypted");
    for (DocumentRef doc : List.of(a, b)) {
      repository.markCompleted(doc, Stage.COMPILATION, null, null);
      repository.markCompleted(doc, Stage.EXTRACTION, null, null);
    }
    sql("INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text) SELECT subdomain,"
        + " document_id, kind, meeting, date, g, 'text' FROM documents, generate_series(1, pages) g"
        + " WHERE ocr_status = 'completed'");
    deploy();
    assertThat(repository.finishSite(SITE, "4 documents, 2 failed")).isEqualTo(Stage.COMPLETED);
    assertThat(reconciler.repair(SITE, false).repairs()).as("in step").isEmpty();
    assertThat(repository.site(SITE).currentStage()).isEqualTo(Stage.COMPLETED);
  }

  void deploy() throws Exception {
    new SiteBundleWriter().write(db, SITE, deployDir);
    repository.siteTransaction(SITE, c -> {
      repository.markDeployed(c, SITE);
      return null;
    });
  }

  int count(String query) throws SQLException {
    try (Connection conn = db.getConnection(); Statement s = conn.createStatement();
        java.sql.ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getInt(1);
    }
  }

  @Test
  void aSiteWhoseDocumentsAllFailedIsReportedNotRedriven() throws Exception {
    new SiteInventory(storage, repository).sync(SITE);
    repository.enterStage(SITE, Stage.OCR);
    repository.markFailed(SITE, Stage.OCR, null, "corrupt");

    SiteReconciler.Repair repair = reconciler.repair(SITE, false);
    assertThat(repair.allFailed()).isTrue();
    assertThat(repair.stage()).isEqualTo(Stage.FAILED);
    assertThat(repository.site(SITE).currentStage()).as("not completed, not stuck: an operator must look")
        .isEqualTo(Stage.FAILED);
    assertThat(repository.site(SITE).note()).startsWith("needs an operator: all 4 document(s) failed ocr");
    assertThat(reconciler.repair(SITE, false).repairs()).as("no loop: nothing to repair again").isEmpty();
  }

  @Test
  void aDryRunReportsTheSameRepairsAsWhatWouldBeDoneAndChangesNothing() throws Exception {
    midOcr();
    sql("UPDATE sites SET ocr_completed = 0, current_stage = 'deploy' WHERE subdomain = '" + SITE + "'");
    Files.walk(storage.textDir(b)).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    List<String> before = snapshot();

    SiteReconciler.Repair dry = reconciler.repair(SITE, true);

    assertThat(snapshot()).isEqualTo(before);
    assertThat(dry.repairs()).contains("current_stage: deploy → ocr", "ocr_completed: 0 → 1",
        "1 document whose text is missing would be sent back to OCR");
    SiteReconciler.Repair real = reconciler.repair(SITE, false);
    assertThat(real.repairs()).isEqualTo(dry.repairs().stream().map(r -> r.replace(" would be ", " ")).toList());
    assertThat(real.after().counters()).isEqualTo(dry.after().counters());
    assertThat(real.stage()).isEqualTo(dry.stage());
  }

  @Test
  void aMissingStorageFolderIsAnErrorNotAnEmptySite() throws Exception {
    midOcr();
    List<String> before = snapshot();
    Files.move(storageDir.resolve(SITE), storageDir.resolve("moved-away"));

    assertThatThrownBy(() -> reconciler.repair(SITE, false))
        .isInstanceOf(SiteReconciler.CannotReconcile.class)
        .hasMessageContaining("is missing (is STORAGE_DIR mounted?)");
    assertThat(snapshot()).isEqualTo(before);
  }

  /** Every row of sites and documents, as text. */
  List<String> snapshot() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection conn = db.getConnection(); Statement s = conn.createStatement()) {
      for (String table : List.of("sites", "documents ORDER BY document_id", "pages ORDER BY document_id, page")) {
        try (ResultSet r = s.executeQuery("SELECT t::text FROM " + table.replaceFirst("^(\\w+)", "$1 t"))) {
          while (r.next()) {
            rows.add(r.getString(1));
          }
        }
      }
    }
    return rows;
  }
}
