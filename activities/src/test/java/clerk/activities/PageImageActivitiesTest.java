package clerk.activities;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.deploy.BundlePermissions;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentRef;
import clerk.workflows.PageImageActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageImageActivitiesTest {
  static final String SITE = "alameda.ca.us";
  final DocumentRef minutes = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-01-16");
  final DocumentRef agenda = new DocumentRef(SITE, "agendas", "CityCouncil", "2024-01-16");
  final DocumentRef pending = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-02-06");

  @TempDir Path home;
  DataSource db;
  SiteStorage storage;
  Path deployDir;
  TestActivityEnvironment env;
  PageImageActivities images;

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabase.fresh();
    SiteRepository repository = new SiteRepository(db);
    repository.ensureSite(SITE, "Alameda, CA");
    storage = new SiteStorage(home.resolve("storage"));
    deployDir = home.resolve("deploy");
    for (DocumentRef d : List.of(minutes, agenda, pending)) {
      Files.createDirectories(storage.pdf(d).getParent());
      SamplePdfs.write(storage.pdf(d), List.of(new SamplePage(Style.DIGITAL, List.of("MINUTES", "Carried.")),
          new SamplePage(Style.SCANNED, List.of("Adjourned."))), 1);
      sql("INSERT INTO documents (subdomain, document_id, kind, meeting, date, ocr_status, compilation_status,"
          + " extraction_status, pdf_sha256, pages) VALUES (?, ?, ?, ?, ?, 'completed', 'completed', ?, 'pdf-1', 2)",
          SITE, d.id(), d.kind(), d.meeting(), d.date(), d == pending ? "pending" : "completed");
    }
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new PageImageActivitiesImpl(storage, repository, deployDir, BundlePermissions.WORLD_READABLE));
    images = env.newActivityStub(PageImageActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2)).setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  void sql(String sql, Object... args) throws SQLException {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      s.executeUpdate();
    }
  }

  @Test
  void publishedDocumentsGetTheirImagesOnceWhereTheirPageImagePathsPoint() {
    assertThat(images.documentsWithoutImages(10)).as("the unpublished one waits")
        .containsExactlyInAnyOrder(minutes, agenda);

    assertThat(images.renderPageImages(minutes)).isEqualTo(2);
    assertThat(images.renderPageImages(agenda)).isEqualTo(2);

    assertThat(deployDir.resolve(SITE + "/CityCouncil/2024-01-16/1.png")).isRegularFile();
    assertThat(deployDir.resolve(SITE + "/CityCouncil/2024-01-16/2.png")).isRegularFile();
    assertThat(deployDir.resolve(SITE + "/_agendas/CityCouncil/2024-01-16/2.png")).isRegularFile();
    assertThat(images.documentsWithoutImages(10)).as("an unchanged page is never rendered again").isEmpty();
  }

  @Test
  void aReplacedPdfIsRenderedAgainAndOneThatCannotBeIsNotTriedUntilItChanges() throws Exception {
    images.renderPageImages(minutes);
    sql("UPDATE documents SET pdf_sha256 = 'pdf-2' WHERE document_id = ?", minutes.id());
    assertThat(images.documentsWithoutImages(10)).contains(minutes);
    assertThat(images.renderPageImages(minutes)).as("every page again").isEqualTo(2);

    Files.writeString(storage.pdf(agenda), "not a PDF any more");
    assertThat(images.renderPageImages(agenda)).isZero();
    assertThat(images.documentsWithoutImages(10)).isEmpty();
    sql("UPDATE documents SET pdf_sha256 = 'pdf-3' WHERE document_id = ?", agenda.id());
    assertThat(images.documentsWithoutImages(10)).containsExactly(agenda);
  }

  @Test
  void aWithdrawnDocumentsImagesGoWithItsRowsAtTheNextDeploy() throws Exception {
    SiteBundleWriter bundles = new SiteBundleWriter(BundlePermissions.WORLD_READABLE);
    bundles.write(db, SITE, deployDir);
    images.renderPageImages(minutes);
    images.renderPageImages(agenda);

    sql("DELETE FROM documents WHERE document_id = ?", minutes.id());
    bundles.write(db, SITE, deployDir);

    assertThat(deployDir.resolve(SITE + "/CityCouncil/2024-01-16")).doesNotExist();
    assertThat(deployDir.resolve(SITE + "/_agendas/CityCouncil/2024-01-16/1.png")).isRegularFile();
  }
}
