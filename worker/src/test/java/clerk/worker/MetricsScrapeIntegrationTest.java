package clerk.worker;

import clerk.client.Reconciliations;
import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.sample.SampleSites;
import clerk.workflows.Pipelines;
import clerk.workflows.ReconciliationReport;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * What Prometheus scrapes from a worker with 100 registered sites after some work: one sample site
 * through all four stages (text layers, scans, a corrupt PDF) and a reconciliation run over all of
 * them. The scrape stays small, clerk's series carry no filler labels, and the Temporal SDK's
 * latencies keep only {@link WorkerMetrics#LATENCY_BUCKETS}.
 */
class MetricsScrapeIntegrationTest {
  static final int SITES = 100;
  static final int MAX_SCRAPE_BYTES = 150 * 1024;
  static final String SITE = "alameda.ca.us";

  @TempDir static Path home;
  static ClerkWorkerApplication.Running worker;
  static String scrape;

  @BeforeAll
  static void workAndScrape() throws Exception {
    ClerkSettings settings = TestWorkers.embedded(home, "CLERK_RECONCILE_INTERVAL", "off");
    SampleSites.generate(settings.storageDir(), List.of(SITE));
    worker = ClerkWorkerApplication.start(settings);
    SiteRepository repository = worker.context().getBean(SiteRepository.class);
    repository.ensureSite(SITE, "Alameda, CA");
    for (int i = 1; i < SITES; i++) {
      String site = String.format("site%03d.example.us", i);
      Files.createDirectories(settings.storageDir().resolve(site).resolve("pdfs"));
      repository.ensureSite(site, "Site " + i);
    }
    assertThat(worker.context().getBean(Pipelines.class).start(SITE)).isTrue();
    SiteFiles.awaitCompleted(repository, SITE, Duration.ofMinutes(4));
    ReconciliationReport report = new Reconciliations(worker.context().getBean(WorkflowClient.class),
        worker.settings()).run(new clerk.workflows.ReconciliationRequest("cli", 120, false, null));
    assertThat(report.status()).isEqualTo("success");

    int port = ((WebServerApplicationContext) worker.context()).getWebServer().getPort();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build();
    // The SDK's metrics scope reports to Micrometer every few seconds: wait until this work is in.
    for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < deadline;
        Thread.sleep(500)) {
      scrape = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
      if (scrape.contains("trigger=\"cli\"") && scrape.contains("clerk_documents_processed_total{")
          && scrape.contains("temporal_activity_schedule_to_start_latency_seconds_bucket{")) {
        break;
      }
    }
    // Kept for docs/operations.md (the size before and after).
    Files.writeString(Path.of("target", "metrics-scrape.txt"), scrape);
  }

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void aScrapeOfAWorkerWithAHundredSitesIsUnder150Kilobytes() {
    assertThat(scrape).contains("clerk_documents_processed_total{", "clerk_reconciliation_runs_total{");
    int bytes = scrape.getBytes(StandardCharsets.UTF_8).length;
    System.out.printf("/actuator/prometheus: %,d bytes, %,d series%n", bytes, series().size());
    assertThat(bytes).isLessThan(MAX_SCRAPE_BYTES);
  }

  @Test
  void clerkSeriesCarryNoNoneLabel() {
    List<String> clerk = series().stream().filter(s -> s.startsWith("clerk_")).toList();
    assertThat(clerk).isNotEmpty();
    assertThat(clerk).noneMatch(s -> s.contains("=\"none\""));
    // Sites never started are still counted, under a stage name that says so.
    assertThat(scrape).contains("clerk_sites{stage=\"registered\"}");
    double sites = scrape.lines().filter(l -> l.startsWith("clerk_sites{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertThat(sites).isEqualTo(SITES);
  }

  @Test
  void temporalLatenciesKeepOnlyTheChosenBuckets() {
    Set<String> expected = new TreeSet<>();
    for (Duration d : WorkerMetrics.LATENCY_BUCKETS) {
      expected.add(le(d.toNanos() / 1e9));
    }
    expected.add("+Inf");
    assertThat(WorkerMetrics.BUCKETED).contains("temporal_activity_schedule_to_start_latency",
        "temporal_workflow_task_schedule_to_start_latency");
    for (String meter : WorkerMetrics.BUCKETED) {
      String latency = meter + "_seconds";
      Matcher bucket = Pattern.compile("^" + latency + "_bucket\\{(.*)le=\"([^\"]+)\"", Pattern.MULTILINE)
          .matcher(scrape);
      Set<String> les = new TreeSet<>();
      while (bucket.find()) {
        les.add(bucket.group(2));
      }
      assertThat(les).as(latency).isEqualTo(expected);
      assertThat(scrape).contains(latency + "_count{", latency + "_sum{");
    }
    assertThat(series()).filteredOn(l -> l.startsWith("temporal_")).isNotEmpty()
        .noneMatch(l -> l.contains("signal_name=") || l.contains("query_type="));
    // The other latencies keep their count, sum and max, without buckets.
    for (String latency : List.of("temporal_request_latency_seconds", "temporal_activity_execution_latency_seconds",
        "temporal_workflow_endtoend_latency_seconds")) {
      assertThat(scrape).contains(latency + "_count{", latency + "_max{").doesNotContain(latency + "_bucket{");
    }
  }

  @Test
  void prometheusGetsTheScrapeGzipped() throws Exception {
    int port = ((WebServerApplicationContext) worker.context()).getWebServer().getPort();
    HttpResponse<byte[]> gzipped = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
            .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
            .header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gzipped.statusCode()).isEqualTo(200);
    assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    byte[] body;
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body()))) {
      body = in.readAllBytes();
    }
    System.out.printf("/actuator/prometheus gzipped (OpenMetrics): %,d bytes of %,d%n", gzipped.body().length,
        body.length);
    assertThat(new String(body, StandardCharsets.UTF_8)).contains("clerk_sites{stage=\"registered\"}");
    assertThat(gzipped.body().length).isLessThan(body.length / 5);
  }

  @Test
  void diskSpaceIsCheckedAndExportedWhereClerkWrites() throws Exception {
    int port = ((WebServerApplicationContext) worker.context()).getWebServer().getPort();
    com.fasterxml.jackson.databind.JsonNode components = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
            HttpResponse.BodyHandlers.ofString()).body()).path("components");
    assertThat(components.has("diskSpace")).as("Spring Boot's check of the working directory").isFalse();
    com.fasterxml.jackson.databind.JsonNode disk = components.path("disk");
    assertThat(disk.path("status").asText()).isEqualTo("UP");
    assertThat(disk.path("details").path("STORAGE_DIR").path("path").asText())
        .isEqualTo(worker.settings().storageDir().toAbsolutePath().toString());
    assertThat(disk.path("details").path("DEPLOY_DIR").path("path").asText())
        .isEqualTo(worker.settings().deployDir().toAbsolutePath().toString());
    assertThat(scrape).contains("disk_free_bytes{path=\"" + worker.settings().storageDir().toAbsolutePath() + "\"}",
        "disk_free_bytes{path=\"" + worker.settings().deployDir().toAbsolutePath() + "\"}");
  }

  /** Every sample line of the scrape: name and labels, without the value. */
  static List<String> series() {
    return scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.substring(0, l.lastIndexOf(' '))).toList();
  }

  /** A bucket bound as Micrometer writes it (0.05, 1.0, 300.0). */
  static String le(double seconds) {
    return String.valueOf(seconds);
  }
}
