package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.client.ClerkSettings;
import clerk.worker.ClerkWorkerApplication;
import clerk.workflows.DocumentRef;
import clerk.workflows.SiteProgress;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * One JSON vocabulary (docs/api.md): the CLI's {@code --json} and the worker's {@code /v1/…}, run for
 * real against a running worker, conform to the OpenAPI document the worker serves, show the same
 * thing in the same shape, and every field the document names is described in docs/api.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JsonVocabularyTest {
  static final String SITE = "alameda.ca.us";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path home;
  static ClerkWorkerApplication.Running worker;
  static String base;
  static ApiSchema api;

  @BeforeAll
  static void startWorker() throws Exception {
    ClerkSettings settings = CliWithWorkerTest.workerSettings(home);
    worker = ClerkWorkerApplication.start(settings);
    base = "http://127.0.0.1:" + ((WebServerApplicationContext) worker.context()).getWebServer().getPort();
    api = new ApiSchema(get("/v1/openapi.json"));
    // Registered after the start-up reconciliation, with PDFs on disk and no pipeline: one to restart.
    for (String date : List.of("2024-01-16", "2024-02-06")) {
      CliWithWorkerTest.write(settings.storageDir(), new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", date),
          "Moved by Councilmember Vella to approve the " + date + " item. Carried.");
    }
    worker.context().getBean(SiteRepository.class).ensureSite(SITE, "Alameda, CA");
  }

  @AfterAll
  static void stopWorker() {
    CliWithWorkerTest.stop(worker);
  }

  @Test
  @Order(1)
  void aDryRunsJsonSaysWhatItsTextReportSays() throws Exception {
    CliWithWorkerTest.Run text = CliWithWorkerTest.clerk("reconcile-pipeline", "--dry-run", "--site", SITE);
    CliWithWorkerTest.Run json = CliWithWorkerTest.clerk("reconcile-pipeline", "--dry-run", "--site", SITE, "--json");
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode run = JSON.readTree(json.out());
    assertThat(api.problems(run, "ReconciliationRun")).isEmpty();

    assertThat(text.out()).contains("DRY RUN MODE", SITE + ": ", ": would restart the pipeline", "Would recover 1 site\n")
        .contains("      2 PDFs on disk would be registered")
        .contains("1 needs attention:").doesNotContain("1 sites").doesNotContain("would repair");
    assertThat(run.get("dry_run").asBoolean()).isTrue();
    assertThat(run.get("restarted").asInt()).isEqualTo(1);
    assertThat(run.get("recovered").asInt()).isEqualTo(1);
    JsonNode site = run.get("sites").get(0);
    assertThat(site.get("action").asText()).isEqualTo("restarted");
    assertThat(site.get("stage_after").asText()).isEqualTo("ocr");
    assertThat(site.get("after").get(0).get("stage").asText()).isEqualTo("ocr");
    for (JsonNode repair : site.get("repairs")) {
      assertThat(text.out()).contains("      " + repair.asText());
    }
  }

  @Test
  @Order(2)
  void aRunsJsonConformsAndTheSitesPipelineRuns() throws Exception {
    CliWithWorkerTest.Run json = CliWithWorkerTest.clerk("reconcile-pipeline", "--site", SITE, "--json");
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode run = JSON.readTree(json.out());
    assertThat(api.problems(run, "ReconciliationRun")).isEmpty();
    assertThat(run.get("dry_run").asBoolean()).isFalse();
    assertThat(run.get("sites").get(0).get("action").asText()).isEqualTo("restarted");
    assertThat(run.get("sites").get(0).get("repairs").get(0).asText()).isEqualTo("2 PDFs on disk registered");
    CliWithWorkerTest.client = worker.context().getBean(io.temporal.client.WorkflowClient.class);
    CliWithWorkerTest.awaitPipeline();
  }

  @Test
  @Order(3)
  void statusJsonIsTheDashboardsSitesAndTheSitesEndpoint() throws Exception {
    JsonNode list = JSON.readTree(CliWithWorkerTest.clerk("status", "--json").out());
    JsonNode dashboard = get("/v1/dashboard");
    assertThat(api.problems(dashboard, "Dashboard")).isEmpty();
    assertThat(list).hasSize(1);
    assertThat(api.problems(list.get(0), "SiteSummary")).isEmpty();
    assertThat(list).isEqualTo(dashboard.get("sites"));
    assertThat(list.get(0).get("current_stage").asText()).isEqualTo("completed");
    assertThat(list.get(0).get("deploy_completed").asInt()).isEqualTo(2);
    assertThat(dashboard.get("sites_by_stage").get("completed").asInt()).isEqualTo(1);

    JsonNode one = JSON.readTree(CliWithWorkerTest.clerk("status", SITE, "--json").out());
    assertThat(api.problems(one, "SiteDetail")).isEmpty();
    assertThat(one).isEqualTo(get("/v1/sites/" + SITE));
    assertThat(one.get("pages").asInt()).isEqualTo(2);
  }

  @Test
  @Order(4)
  void searchJsonIsTheSearchEndpoint() throws Exception {
    JsonNode cli = JSON.readTree(CliWithWorkerTest.clerk("search", "approve", "--json").out());
    assertThat(api.problems(cli, "SearchResult")).isEmpty();
    assertThat(cli.get("hits")).hasSize(2);
    assertThat(cli).isEqualTo(get("/v1/search?q=approve"));
  }

  @Test
  @Order(5)
  void theReconciliationStatusAndErrorsConform() throws Exception {
    JsonNode status = get("/v1/reconciliation/status");
    assertThat(api.problems(status, "ReconciliationStatus")).isEmpty();
    assertThat(status.get("results").get("run_id").isIntegralNumber()).isTrue();
    assertThat(api.problems(get("/v1/sites/nowhere.example.us"), "Error")).isEmpty();
    assertThat(api.problems(get("/v1/search?q=approve&from=2024-02-30"), "Error")).isEmpty();
  }

  @Test
  void theProgressQueryConforms() throws Exception {
    SiteProgress progress = new SiteProgress(SITE, Stage.OCR, new StageCounters(Stage.OCR, 2, 1, 0),
        List.of("minutes/CityCouncil/2024-01-16"), null, "reconciliation: pipeline not running");
    assertThat(api.problems(JSON.valueToTree(progress), "SiteProgress")).isEmpty();
  }

  @Test
  void theSchemaCheckRefusesTheOldSpellings() throws Exception {
    ObjectNode site = (ObjectNode) JSON.readTree(CliWithWorkerTest.clerk("status", SITE, "--json").out());
    site.put("current_stage", "COMPLETED");
    assertThat(api.problems(site, "SiteDetail")).singleElement().asString().contains("current_stage");
    site.put("current_stage", "completed");
    site.set("failedDocuments", site.remove("failed_documents"));
    assertThat(api.problems(site, "SiteDetail"))
        .contains("SiteDetail: no field failed_documents", "SiteDetail: field failedDocuments is not in the schema");
  }

  @Test
  void theDocumentNamesEveryV1EndpointTheWorkerServes() throws Exception {
    Set<String> served = new TreeSet<>();
    worker.context().getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class)
        .getHandlerMethods().keySet()
        .forEach(info -> info.getPatternValues().stream().filter(p -> p.startsWith("/v1/")).forEach(served::add));
    Set<String> documented = new TreeSet<>();
    api.document().get("paths").fieldNames().forEachRemaining(documented::add);
    assertThat(documented).isEqualTo(served);
  }

  @Test
  void docsApiMdDescribesEveryFieldOfTheDocument() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "api.md"));
    Set<String> described = new TreeSet<>();
    Matcher m = Pattern.compile("`([a-z_]+)`").matcher(doc);
    while (m.find()) {
      described.add(m.group(1));
    }
    List<String> missing = new ArrayList<>(new TreeSet<>(api.propertyNames()));
    missing.removeAll(described);
    assertThat(missing).as("fields of openapi.json that docs/api.md does not name").isEmpty();
    assertThat(api.propertyNames()).allMatch(name -> name.matches("[a-z][a-z0-9_]*"), "snake_case");
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }
}
