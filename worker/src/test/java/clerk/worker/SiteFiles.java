package clerk.worker;

import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.sample.SampleDocument;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;

/** What the fault tests check after recovery: the site's files and counters, exactly. */
final class SiteFiles {
  private SiteFiles() {}

  /** Waits (polling the database) until at least {@code documents} completed OCR. */
  static int awaitOcrCompleted(SiteRepository repository, String site, int documents, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      SiteRow row = repository.site(site);
      if (row != null && row.counters(Stage.OCR).completed() >= documents) {
        return row.counters(Stage.OCR).completed();
      }
      Thread.sleep(50);
    }
    throw new AssertionError(site + ": fewer than " + documents + " documents OCRed within " + timeout);
  }

  static void awaitCompleted(SiteRepository repository, String site, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      SiteRow row = repository.site(site);
      if (row != null && row.currentStage() == Stage.COMPLETED) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(site + " not completed within " + timeout + ": " + repository.site(site));
  }

  /**
   * Every good document processed exactly once: one text folder with exactly its pages, no partial
   * folder anywhere, page rows once each, counters equal to what the disk holds.
   */
  static void assertMatchesDisk(
      ClerkSettings settings, SiteRepository repository, String site, List<SampleDocument> samples)
      throws Exception {
    List<SampleDocument> mine = samples.stream().filter(d -> d.subdomain().equals(site)).toList();
    List<SampleDocument> good = mine.stream().filter(d -> !d.corrupt()).toList();
    Path siteDir = settings.storageDir().resolve(site);
    for (SampleDocument d : good) {
      Path dir = siteDir.resolve(d.kind().equals("agendas") ? "_agendas/txt" : "txt")
          .resolve(d.meeting()).resolve(d.date());
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
            .as(dir.toString())
            .containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.rangeClosed(1, d.pageTexts().size())
                    .mapToObj(p -> "page-" + p + ".txt").toList());
      }
    }
    try (Stream<Path> all = Files.walk(siteDir)) {
      assertThat(all.filter(p -> p.getFileName().toString().endsWith(".partial"))).isEmpty();
    }
    SiteRow row = repository.site(site);
    int bad = mine.size() - good.size();
    assertThat(row.counters()).containsExactly(
        new StageCounters(Stage.OCR, mine.size(), good.size(), bad),
        new StageCounters(Stage.COMPILATION, good.size(), good.size(), 0),
        new StageCounters(Stage.EXTRACTION, good.size(), good.size(), 0),
        new StageCounters(Stage.DEPLOY, good.size(), good.size(), 0));
    assertThat(repository.recountCounters(site)).isFalse();
    int pages = good.stream().mapToInt(d -> d.pageTexts().size()).sum();
    assertThat(PipelineIntegrationTest.count(repository.dataSource(),
        "SELECT count(*) FROM pages WHERE subdomain = '" + site + "'")).isEqualTo(pages);
  }

  /** Every row of sites, documents, pages and motions, as text: the state of the sites. */
  static List<String> snapshot(DataSource db) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      for (String table : List.of("sites", "documents", "pages", "motions")) {
        try (ResultSet r = s.executeQuery("SELECT t::text FROM " + table + " t ORDER BY t::text")) {
          while (r.next()) {
            rows.add(table + ": " + r.getString(1));
          }
        }
      }
    }
    return rows;
  }
}
