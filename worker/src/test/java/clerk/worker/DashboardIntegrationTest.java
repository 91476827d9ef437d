package clerk.worker;

import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import clerk.activities.db.SiteRepository;
import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The worker's dashboard end to end: a real worker serves it, headless Chromium (Debian's package
 * {@code chromium}) runs its JavaScript, and the rendered DOM is checked. The pipeline does not run:
 * the state is written straight into the database. With {@code -Dclerk.screenshot=true} the test also
 * writes docs/dashboard.png.
 */
class DashboardIntegrationTest {
  /** A failure reason as a hostile PDF could make it: it must show as text, never run. */
  static final String EVIL = "<script>document.title='owned'</script> truncated PDF";
  static final String TIMEOUT = "page 3: Tesseract timed out after 120 s";
  static final String SITE_ERROR = "<img src=x onerror=\"document.title='owned'\"> storage folder missing";
  static final String UI = "http://temporal-ui.example:8233";

  @TempDir static Path home;
  static ClerkWorkerApplication.Running worker;
  static String base;

  @BeforeAll
  static void startWorker() throws Exception {
    ClerkSettings settings = TestWorkers.embedded(home,
        "CLERK_RECONCILE_INTERVAL", "off",
        "CLERK_STALE_THRESHOLD", "2h",
        "CLERK_TEMPORAL_UI_URL", UI);
    worker = ClerkWorkerApplication.start(settings);
    int port = ((WebServerApplicationContext) worker.context()).getWebServer().getPort();
    base = "http://127.0.0.1:" + port;
    SiteRepository repository = worker.context().getBean(SiteRepository.class);

    // A completed site: 4 minutes, 3 through every stage, 1 failed OCR, 1 more failed compilation.
    String done = "alameda.ca.us";
    repository.ensureSite(done, "Alameda, CA");
    List<DocumentRef> docs = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      docs.add(new DocumentRef(done, "minutes", "CityCouncil", "2024-01-0" + i));
    }
    register(repository, docs);
    repository.enterStage(done, Stage.OCR);
    for (DocumentRef d : docs.subList(0, 3)) {
      repository.markCompleted(d, Stage.OCR, 2, "text layer");
    }
    repository.markFailed(done, Stage.OCR, docs.get(3).id(), EVIL);
    repository.enterStage(done, Stage.COMPILATION);
    for (DocumentRef d : docs.subList(0, 2)) {
      repository.markCompleted(d, Stage.COMPILATION, null, null);
      repository.markCompleted(d, Stage.EXTRACTION, null, null);
      repository.markCompleted(d, Stage.DEPLOY, null, null);
    }
    repository.markFailed(done, Stage.COMPILATION, docs.get(2).id(), TIMEOUT);
    repository.finishSite(done, "4 documents, 2 failed");
    // Their pages, for search: a page whose text a hostile PDF wrote, and a page of a document that
    // failed compilation (not published: never found).
    page(repository, docs.get(0), 1, "Councilmember Daysog moved to approve the bicycle lane contract on"
        + " Park Street. Motion carried 4-1.");
    page(repository, docs.get(1), 2, "Public comment on the bicycle lane: " + EVIL + " The item was continued.");
    page(repository, docs.get(2), 1, "The bicycle lane was discussed again.");

    // A site stuck in OCR for three hours, with a site-level error.
    String stuck = "springfield.il.us";
    repository.ensureSite(stuck, "Springfield, IL");
    DocumentRef s1 = new DocumentRef(stuck, "agendas", "PlanningCommission", "2024-02-01");
    DocumentRef s2 = new DocumentRef(stuck, "agendas", "PlanningCommission", "2024-02-02");
    register(repository, List.of(s1, s2));
    repository.enterStage(stuck, Stage.OCR);
    repository.markCompleted(s1, Stage.OCR, 5, "tesseract");
    try (Connection c = repository.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "UPDATE sites SET updated_at = now() - interval '3 hours', last_error_stage = 'ocr',"
                + " last_error_message = ?, last_error_at = now() WHERE subdomain = ?")) {
      s.setString(1, SITE_ERROR);
      s.setString(2, stuck);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }

    // A site registered but never started: counted, never stuck.
    repository.ensureSite("berkeley.ca.us", "Berkeley, CA");
  }

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void theOverviewShowsStagesStuckSitesFailureRatesFailuresAndTheLastReconciliation() throws Exception {
    String dom = chromium("--dump-dom", base + "/");

    assertThat(dom).contains("data-rendered=\"overview\"");
    assertThat(dom).doesNotContain("cannot load");
    assertThat(text(section(dom, "by-stage"))).contains("none 1", "ocr 1", "completed 1", "deploy 0");
    assertThat(text(section(dom, "stuck"))).isEqualTo("springfield.il.us ocr 3 h");
    assertThat(dom).contains("work left, no progress for more than 2 h");
    // The stuck site has work and no pipeline: shown at once, not only after the threshold.
    assertThat(text(section(dom, "without-pipeline"))).startsWith("springfield.il.us ocr");
    assertThat(text(section(dom, "needs-operator"))).isEqualTo("none");
    assertThat(text(section(dom, "storage-problems"))).isEqualTo("none");
    assertThat(text(section(dom, "sites-range"))).isEqualTo("1–3 of 3");
    // OCR: 1 of 6 documents failed; compilation: 1 of the 4 that passed OCR.
    assertThat(text(section(dom, "failure-rates")))
        .contains("ocr 16.7 % 1 of 6", "compilation 25.0 % 1 of 4", "deploy 0.0 %");
    // The start-up reconciliation ran and is shown.
    assertThat(text(section(dom, "reconciliation"))).contains("status success", "trigger startup");
    String sites = text(section(dom, "sites"));
    assertThat(sites).contains("alameda.ca.us Alameda, CA completed 3/4 (1 failed) 2/3 (1 failed) 2/2 2/2",
        "springfield.il.us Springfield, IL ocr 1/2", "berkeley.ca.us Berkeley, CA none");
    assertThat(dom).contains("href=\"" + UI + "/namespaces/default/workflows/site-pipeline%2Falameda.ca.us\"");
    assertThat(dom).contains("href=\"#site=springfield.il.us\"");
    assertThat(text(section(dom, "recent-failures"))).contains(
        "alameda.ca.us minutes/CityCouncil/2024-01-03 compilation " + TIMEOUT,
        "alameda.ca.us minutes/CityCouncil/2024-01-04 ocr " + EVIL);
    assertNothingInjected(dom);

    if (Boolean.getBoolean("clerk.screenshot")) {
      Path png = Path.of("..", "docs", "dashboard.png").toAbsolutePath().normalize();
      chromium("--screenshot=" + png, "--window-size=1280,1000", base + "/");
      assertThat(png).isNotEmptyFile();
    }
  }

  @Test
  void aSiteShowsItsCountersFailedDocumentsWithReasonsAndItsWorkflow() throws Exception {
    String dom = chromium("--dump-dom", base + "/#site=alameda.ca.us");

    assertThat(dom).contains("data-rendered=\"site\"");
    assertThat(dom).contains("alameda.ca.us — Alameda, CA (completed)");
    assertThat(dom).containsPattern("<section id=\"site\">");
    assertThat(dom).containsPattern("<section id=\"overview\" hidden=\"\">");
    assertThat(text(section(dom, "site-counters")))
        .contains("ocr 4 3 1", "compilation 3 2 1", "extraction 2 2 0", "deploy 2 2 0");
    assertThat(text(section(dom, "site-failed"))).isEqualTo(
        "document stage reason minutes/CityCouncil/2024-01-03 compilation " + TIMEOUT
            + " minutes/CityCouncil/2024-01-04 ocr " + EVIL);
    assertThat(dom).contains("id=\"site-workflow\" target=\"_blank\" rel=\"noopener\" href=\""
        + UI + "/namespaces/default/workflows/site-pipeline%2Falameda.ca.us\"");
    assertThat(dom).contains("no pipeline running; note: 4 documents, 2 failed");
    assertNothingInjected(dom);
  }

  @Test
  void aStuckSiteShowsItsLastErrorAsText() throws Exception {
    String dom = chromium("--dump-dom", base + "/#site=springfield.il.us");

    assertThat(dom).contains("data-rendered=\"site\"");
    assertThat(text(section(dom, "site-last-error"))).startsWith("last error (ocr, ").endsWith(SITE_ERROR);
    assertThat(text(section(dom, "site-failed"))).endsWith("none");
    assertNothingInjected(dom);
  }

  @Test
  void anUnknownSiteShowsAnError() throws Exception {
    String dom = chromium("--dump-dom", base + "/#site=nowhere.example.us");

    assertThat(text(section(dom, "error"))).isEqualTo("cannot load: unknown site nowhere.example.us");
    assertThat(dom).doesNotContain("data-rendered");
  }

  @Test
  void theApiAnswersJsonAndRefusesBadAndUnknownSites() throws Exception {
    ObjectMapper json = new ObjectMapper();
    HttpResponse<String> overview = get("/v1/dashboard");
    assertThat(overview.statusCode()).isEqualTo(200);
    JsonNode d = json.readTree(overview.body());
    assertThat(d.get("sites_by_stage").get("ocr").asInt()).isEqualTo(1);
    assertThat(d.get("stuck_sites")).hasSize(1);
    assertThat(d.get("stuck_sites").get(0).get("hours_stuck").asDouble()).isBetween(2.9, 3.1);
    assertThat(d.get("failure_rates").get("ocr").get("failed").asInt()).isEqualTo(1);
    assertThat(d.get("failure_rates").get("ocr").get("total").asInt()).isEqualTo(6);
    assertThat(d.get("last_reconciliation").get("trigger").asText()).isEqualTo("startup");
    assertThat(d.get("sites")).hasSize(3);
    assertThat(d.get("sites_total").asInt()).isEqualTo(3);
    assertThat(d.get("without_pipeline").asInt()).isEqualTo(1);
    JsonNode second = json.readTree(get("/v1/dashboard?page=1&size=2").body());
    assertThat(second.get("sites")).singleElement()
        .satisfies(s -> assertThat(s.get("subdomain").asText()).isEqualTo("springfield.il.us"));
    assertThat(second.get("sites_total").asInt()).isEqualTo(3);

    JsonNode site = json.readTree(get("/v1/sites/alameda.ca.us").body());
    assertThat(site.get("failed_documents")).hasSize(2);
    assertThat(site.get("failed_documents").get(1).get("error").asText()).isEqualTo(EVIL);
    assertThat(site.get("running").isNull()).isTrue();

    HttpResponse<String> unknown = get("/v1/sites/nowhere.example.us");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json.readTree(unknown.body()).get("error").asText()).isEqualTo("unknown site nowhere.example.us");
    HttpResponse<String> invalid = get("/v1/sites/Not_A_Site");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(json.readTree(invalid.body()).get("error").asText()).contains("invalid subdomain");
  }

  @Test
  void theSearchBoxFindsPublishedPagesWithSnippetsAndLinksToTheBundle() throws Exception {
    String dom = chromium("--dump-dom", base + "/#search=bicycle%20lane");

    assertThat(dom).contains("data-rendered=\"search\"");
    assertThat(dom).containsPattern("<section id=\"search\">");
    assertThat(text(section(dom, "search-summary"))).isEqualTo("“bicycle lane”: 1–2 of 2");
    String results = section(dom, "search-results");
    assertThat(text(results)).contains("alameda.ca.us minutes · CityCouncil · 2024-01-01 · page 1",
        "Councilmember Daysog moved to approve the bicycle lane contract",
        "alameda.ca.us minutes · CityCouncil · 2024-01-02 · page 2");
    assertThat(results).contains("<mark>bicycle</mark> <mark>lane</mark>");
    assertThat(text(results)).as("a failed document's page is not published, so not found")
        .doesNotContain("discussed again");
    String id = clerk.activities.deploy.CivicIds.rowId("minutes", "CityCouncil", "2024-01-01", 1,
        "Councilmember Daysog moved to approve the bicycle lane contract on Park Street. Motion carried 4-1.");
    assertThat(results).contains("href=\"http://alameda.ca.us.localhost:8001/meetings/minutes/" + id + "\"",
        "href=\"http://alameda.ca.us.localhost:8001/CityCouncil/2024-01-01/1.png\"");
    assertNothingInjected(dom);

    Path png = home.resolve("search.png");
    chromium("--screenshot=" + png, "--window-size=1280,800", base + "/#search=bicycle%20lane");
    assertThat(Files.size(png)).isGreaterThan(1000);
    if (Boolean.getBoolean("clerk.screenshot")) {
      Files.copy(png, Path.of("..", "docs", "search.png").toAbsolutePath().normalize(),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void theSearchApiPagesRanksAndRefusesBadQueries() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode r = json.readTree(get("/v1/search?q=bicycle&size=1").body());
    assertThat(r.get("total").asInt()).isEqualTo(2);
    assertThat(r.get("total_is_exact").asBoolean()).isTrue();
    assertThat(r.get("more").asBoolean()).isTrue();
    assertThat(r.get("hits")).singleElement().satisfies(h -> {
      assertThat(h.get("site").asText()).isEqualTo("alameda.ca.us");
      assertThat(h.get("snippet").toString()).contains("{\"text\":\"bicycle\",\"match\":true}");
    });
    JsonNode second = json.readTree(get("/v1/search?q=bicycle&size=1&page=2").body());
    assertThat(second.get("more").asBoolean()).isFalse();
    assertThat(second.get("hits").get(0).get("date").asText()).isNotEqualTo(r.get("hits").get(0).get("date").asText());
    // websearch syntax: a phrase, an exclusion.
    assertThat(json.readTree(get("/v1/search?q=%22lane%20contract%22").body()).get("total").asInt()).isEqualTo(1);
    assertThat(json.readTree(get("/v1/search?q=bicycle%20-daysog").body()).get("total").asInt()).isEqualTo(1);
    assertThat(json.readTree(get("/v1/search?q=bicycle&site=springfield.il.us").body()).get("total").asInt()).isZero();
    assertThat(json.readTree(get("/v1/search?q=bicycle&from=2024-01-02").body()).get("total").asInt()).isEqualTo(1);
    assertThat(json.readTree(get("/v1/search?q=bicycle&kind=agendas").body()).get("total").asInt()).isZero();
    for (String bad : List.of("q=", "q=x&site=Not_A_Site", "q=x&kind=memos", "q=x&from=2024-13-01", "q=x&page=0")) {
      HttpResponse<String> refused = get("/v1/search?" + bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
      assertThat(json.readTree(refused.body()).get("error").asText()).as(bad).isNotBlank();
    }
  }

  static void page(SiteRepository repository, DocumentRef d, int page, String text) {
    repository.siteTransaction(d.subdomain(), c -> {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        s.setString(1, d.subdomain());
        s.setString(2, d.id());
        s.setString(3, d.kind());
        s.setString(4, d.meeting());
        s.setString(5, d.date());
        s.setInt(6, page);
        s.setString(7, text);
        s.executeUpdate();
      }
      return null;
    });
  }

  /** Only the page's own script element, no element from a reason, and its code never ran. */
  static void assertNothingInjected(String dom) {
    assertThat(dom.split("<script", -1)).hasSize(2);
    assertThat(dom).contains("<script src=\"dashboard.js\"></script>");
    assertThat(dom).doesNotContain("<img", "owned</title>");
    assertThat(dom).contains("<title>clerk</title>");
  }

  static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The serialized element with this id, up to its matching closing tag (no nesting of the same tag). */
  static String section(String dom, String id) {
    Matcher open = Pattern.compile("<(\\w+)[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(dom);
    assertThat(open.find()).as("element #" + id + " in\n" + dom).isTrue();
    int end = dom.indexOf("</" + open.group(1) + ">", open.end());
    return dom.substring(open.start(), end);
  }

  /** Text content of serialized HTML: tags become spaces, entities decoded, whitespace collapsed. */
  static String text(String html) {
    return html.replaceAll("<[^>]*>", " ").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&quot;", "\"").replace("&nbsp;", " ").replace("&amp;", "&")
        .replaceAll("\\s+", " ").strip();
  }

  /** Debian's chromium; missing it is a failure, not a skip: CI installs it. */
  static Path chromiumBinary() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin")
        .split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "chromium");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail("headless Chromium is needed to test the dashboard but `chromium` is not on the PATH:"
        + " install the Debian package (apt-get install -y chromium)");
  }

  /** Runs headless Chromium (flags as this machine needs them: no sandbox as root, no background network). */
  static String chromium(String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(home, "chromium");
    Path log = profile.resolveSibling(profile.getFileName() + ".log");
    List<String> command = new ArrayList<>(List.of(chromiumBinary().toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile, "--virtual-time-budget=10000"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish in 60 s: " + Files.readString(log));
    }
    assertThat(p.exitValue()).as("chromium exit status; its log:\n" + Files.readString(log)).isZero();
    return out;
  }

  /** Documents registered pending, as a first OCR sync registers new PDFs. */
  static void register(SiteRepository repository, List<DocumentRef> documents) {
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
