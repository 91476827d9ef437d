package clerk.worker;

import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The worker's PostgreSQL server (its own, by URL) stops while the worker runs. Health tells the truth
 * instead of failing: {@code /actuator/health} is 503 with {@code db} and {@code sites} DOWN, each with
 * a reason, while {@code temporal} and {@code reconciliation} stay UP; the JSON endpoints answer 503
 * with an error object, not a 500 page.
 */
class DatabaseDownHealthIntegrationTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;

  @Test
  void withTheDatabaseDownHealthIs503WithDbDownTemporalUpAndTheJsonEndpointsAnswerAnError() throws Exception {
    EmbeddedPostgres pg = DatabaseOutageIntegrationTest.postgres(home.resolve("pgdata"), TestWorkers.freePort());
    ClerkSettings settings = TestWorkers.embedded(home,
        "CLERK_DATABASE_URL", pg.getJdbcUrl("postgres", "postgres"),
        "CLERK_RECONCILE_INTERVAL", "off");
    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      String base = "http://127.0.0.1:" + ((WebServerApplicationContext) worker.context()).getWebServer().getPort();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> before = get(http, base + "/actuator/health");
      assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
      assertThat(component(before, "db").path("status").asText()).isEqualTo("UP");

      pg.close();

      HttpResponse<String> health = get(http, base + "/actuator/health");
      assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
      assertThat(component(health, "db").path("status").asText()).isEqualTo("DOWN");
      assertThat(component(health, "db").path("details").path("error").asText()).startsWith("database unreachable");
      assertThat(component(health, "sites").path("status").asText()).isEqualTo("DOWN");
      assertThat(component(health, "sites").path("details").path("error").asText()).startsWith("cannot read the sites");
      assertThat(component(health, "temporal").path("status").asText()).as("Temporal is up").isEqualTo("UP");
      assertThat(component(health, "reconciliation").path("status").asText()).isEqualTo("UP");

      for (String endpoint : List.of("/v1/reconciliation/status", "/v1/dashboard", "/v1/sites/alameda.ca.us")) {
        HttpResponse<String> response = get(http, base + endpoint);
        assertThat(response.statusCode()).as(endpoint + ": " + response.body()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).path("error").asText()).as(endpoint)
            .startsWith("database unavailable");
      }
    } finally {
      pg.close();
    }
  }

  static JsonNode component(HttpResponse<String> health, String name) throws Exception {
    return JSON.readTree(health.body()).path("components").path(name);
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    // The timeout only keeps a broken build from hanging; the assertions are about the answers.
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(1)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
