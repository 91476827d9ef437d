package clerk.cli;

import clerk.client.RuntimeFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = {
      "Asks the running worker how it is: exit 0 healthy, 1 degraded, 2 unhealthy.",
      "Database, Temporal, start-up reconciliation, the sites and the last reconciliation run. Degraded:"
          + " stuck sites, sites that need an operator, sites with work and no pipeline, skipped files, a"
          + " reconciliation with errors, still starting. Unhealthy: no worker, database or Temporal down,"
          + " STORAGE_DIR or DEPLOY_DIR under CLERK_DISK_MIN_FREE free."
    })
final class HealthCommand implements Callable<Integer> {
  static final int HEALTHY = 0;
  static final int DEGRADED = 1;
  static final int UNHEALTHY = 2;

  @Option(names = "--url", paramLabel = "URL",
      description = "the worker's HTTP address (default: from CLERK_HOME/worker.json)")
  String url;

  @Option(names = "--json", description = "machine-readable output")
  boolean json;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    ObjectNode out = JSON.createObjectNode();
    String base = url != null ? url : RuntimeFile.running(ClerkCli.settings()).map(RuntimeFile.Worker::http).orElse(null);
    JsonNode health = null;
    JsonNode reconciliation = null;
    if (base == null) {
      problems.add("no clerk worker is running on " + ClerkCli.settings().home() + " (start one with 'clerk worker')");
    } else {
      out.put("worker", base);
      try {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        health = get(http, base + "/actuator/health");
        reconciliation = get(http, base + "/v1/reconciliation/status");
      } catch (IOException e) {
        problems.add("worker at " + base + " does not answer: " + e.getMessage());
      }
    }
    if (health != null) {
      out.set("health", health);
      JsonNode components = health.path("components");
      for (String name : List.of("db", "temporal")) {
        String status = components.path(name).path("status").asText("UNKNOWN");
        if (!status.equals("UP")) {
          problems.add(name + " is " + status + detail(components.path(name)));
        }
      }
      String disk = components.path("disk").path("status").asText("UP"); // a worker older than the check has none
      if (!disk.equals("UP")) {
        problems.add("disk is " + disk + detail(components.path("disk")));
      }
      if (components.path("reconciliation").path("status").asText().equals("OUT_OF_SERVICE")) {
        warnings.add("the worker is still starting (start-up reconciliation running)");
      }
      JsonNode sites = components.path("sites").path("details");
      if (components.path("sites").path("status").asText().equals("DOWN")) {
        problems.add("sites cannot be read" + detail(components.path("sites")));
      }
      int stuck = sites.path("stuck").asInt(0);
      if (stuck > 0) {
        warnings.add(stuck + " stuck " + plural(stuck, "site") + " (no progress for "
            + sites.path("stale_threshold_minutes").asInt() / 60.0
            + " h): reconciliation retries them; see 'clerk reconcile-pipeline --dry-run'");
      }
      int failed = sites.path("failed").asInt(0);
      if (failed > 0) {
        warnings.add(failed + " " + plural(failed, "site") + " need an operator, every document failed a stage: "
            + listed(sites.path("failed_sites"), failed) + "; see 'clerk status SITE', then 'clerk retry SITE'");
      }
      int idle = sites.path("without_pipeline").asInt(0);
      if (idle > 0) {
        warnings.add(idle + " " + plural(idle, "site") + " with work and no running pipeline: "
            + listed(sites.path("without_pipeline_sites"), idle)
            + "; the next reconciliation starts them (or 'clerk start --all')");
      }
      int skipped = sites.path("storage_problems").asInt(0);
      if (skipped > 0) {
        warnings.add(skipped + " " + plural(skipped, "site") + " with files skipped in their storage folder: "
            + listed(sites.path("storage_problem_sites"), skipped) + "; see 'clerk status SITE'");
      }
    }
    if (reconciliation != null && reconciliation.has("error")) {
      // The worker could not read its runs (database down): that problem is reported above.
      out.set("reconciliation", reconciliation);
    } else if (reconciliation != null) {
      out.set("reconciliation", reconciliation);
      String status = reconciliation.path("status").asText();
      if (status.equals("errors") || status.equals("abandoned")) {
        warnings.add("last reconciliation (" + reconciliation.path("timestamp").asText() + ") ended " + status
            + ": " + reconciliation.path("errors"));
      }
    }
    int verdict = !problems.isEmpty() ? UNHEALTHY : !warnings.isEmpty() ? DEGRADED : HEALTHY;
    String word = verdict == HEALTHY ? "healthy" : verdict == DEGRADED ? "degraded" : "unhealthy";
    out.put("verdict", word);
    out.set("problems", JSON.valueToTree(problems));
    out.set("warnings", JSON.valueToTree(warnings));
    if (json) {
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    } else {
      System.out.print(HealthText.format(base, health, reconciliation, problems, warnings, word));
    }
    return verdict;
  }

  private static String plural(int n, String word) {
    return n == 1 ? word : word + "s";
  }

  /** The names the worker listed, and how many more there are. */
  private static String listed(JsonNode names, int count) {
    List<String> out = new ArrayList<>();
    names.forEach(n -> out.add(n.asText()));
    return String.join(", ", out) + (count > out.size() ? " and " + (count - out.size()) + " more" : "");
  }

  private static String detail(JsonNode component) {
    JsonNode error = component.path("details").path("error");
    return error.isMissingNode() ? "" : ": " + error.asText();
  }

  private static JsonNode get(HttpClient http, String url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    // /actuator/health answers 503 with the same JSON when something is down or out of service, and
    // the /v1 endpoints 503 with {"error": …} when the database is down.
    return JSON.readTree(response.body());
  }
}
