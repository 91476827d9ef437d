package clerk.worker;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The worker's dashboard end to end: a real worker serves it, headless Chromium (Debian's package,
 * installed by bin/test) runs its JavaScript, and the rendered page is checked. With
 * {@code -Dclerk.screenshot=true} it also writes docs/dashboard.png.
 */
class DashboardIntegrationTest {
  static final String EVIL = "<script>document.title='owned'</script> truncated PDF";

  @TempDir static Path home;
  static ClerkWorkerApplication.Running worker;
  static String base;

  @BeforeAll
  static void startWorker() throws Exception {
    ClerkSettings settings = TestWorkers.embedded(home,
        "CLERK_RECONCILE_INTERVAL", "off", "CLERK_TEMPORAL_UI_URL", "http://temporal-ui.example:8233");
    worker = ClerkWorkerApplication.start(settings);
    base = "http://127.0.0.1:" + ((WebServerApplicationContext) worker.context()).getWebServer().getPort();
    SiteRepository repository = worker.context().getBean(SiteRepository.class);

    // A completed site with a failed document, and a site stuck in OCR for three hours.
    String done = "alameda.ca.us";
    repository.ensureSite(done, "Alameda, CA");
    List<DocumentRef> docs = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      docs.add(new DocumentRef(done, "minutes", "CityCouncil", "2024-01-0" + i));
    }
    repository.syncDocuments(done, docs, Map.of());
    repository.enterStage(done, Stage.OCR);
    for (DocumentRef d : docs.subList(0, 3)) {
      repository.markCompleted(d, Stage.OCR, 2, "2 text layer");
      repository.markCompleted(d, Stage.COMPILATION, null, null);
      repository.markCompleted(d, Stage.EXTRACTION, null, null);
      repository.markCompleted(d, Stage.DEPLOY, null, null);
    }
    repository.markFailed(done, Stage.OCR, docs.get(3).id(), EVIL);
    repository.completeSite(done, "4 documents, 1 failed");

    String stuck = "springfield.il.us";
    repository.ensureSite(stuck, "Springfield, IL");
    DocumentRef s1 = new DocumentRef(stuck, "agendas", "PlanningCommission", "2024-02-01");
    DocumentRef s2 = new DocumentRef(stuck, "agendas", "PlanningCommission", "2024-02-02");
    repository.syncDocuments(stuck, List.of(s1, s2), Map.of());
    repository.enterStage(stuck, Stage.OCR);
    repository.markCompleted(s1, Stage.OCR, 5, "5 tesseract");
    try (Connection c = repository.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("UPDATE sites SET updated_at = now() - interval '3 hours' WHERE subdomain = '" + stuck + "'");
    }
  }

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void theOverviewShowsStagesStuckSitesFailureRatesAndTheLastReconciliation() throws Exception {
    String dom = chromium("--dump-dom", base + "/");

    assertThat(dom).contains("data-rendered=\"true\"");
    assertThat(dom).contains("alameda.ca.us", "springfield.il.us");
    assertThat(dom).contains("not completed, no progress for 2 h");
    assertThat(dom).containsPattern("springfield\\.il\\.us</a></td><td>ocr</td><td class=\"stuck\">3 h");
    // Failure rate of OCR: 1 of 6 documents.
    assertThat(dom).contains("16.7 %", "1 of 6");
    // The start-up reconciliation ran and is shown.
    assertThat(dom).containsPattern("<dt>trigger</dt><dd[^>]*>startup</dd>");
    assertThat(dom).contains("http://temporal-ui.example:8233/namespaces/default/workflows/site-pipeline%2Falameda.ca.us");
    if (Boolean.getBoolean("clerk.screenshot")) {
      chromium("--screenshot=" + Path.of("..", "docs", "dashboard.png").toAbsolutePath(), "--window-size=1280,900",
          base + "/");
    }
  }

  @Test
  void aSiteShowsItsCountersAndFailedDocumentsWithReasonsAsText() throws Exception {
    String dom = chromium("--dump-dom", base + "/#site=alameda.ca.us");

    assertThat(dom).contains("data-rendered=\"true\"");
    assertThat(dom).contains("alameda.ca.us — Alameda, CA (completed)");
    assertThat(dom).contains("minutes/CityCouncil/2024-01-04");
    // The reason is shown as text: escaped, not run.
    assertThat(dom).contains("&lt;script&gt;document.title='owned'&lt;/script&gt; truncated PDF");
    assertThat(dom).doesNotContain("<script>document.title");
    assertThat(dom).contains("<title>clerk</title>");
  }

  @Test
  void theApiRefusesBadAndUnknownSites() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    var unknown = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/sites/nowhere.example.us")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("unknown site nowhere.example.us");
    var invalid = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/sites/Not_A_Site")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("invalid subdomain");
  }

  /** Runs headless Chromium (flags as this machine needs them: no sandbox as root, no background network). */
  static String chromium(String... args) throws IOException, InterruptedException {
    Path binary = Path.of("/usr/bin/chromium");
    assertThat(binary).as("Debian's chromium package (bin/test installs it)").isExecutable();
    Path profile = Files.createTempDirectory(home, "chromium");
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(home.resolve("chromium.log").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(home.resolve("chromium.log"))).isZero();
    return out;
  }
}
