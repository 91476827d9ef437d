package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.client.ClerkSettings;
import clerk.worker.ClerkWorkerApplication;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * {@code clerk health} against a worker whose PostgreSQL server has stopped: unhealthy (exit 2), the
 * database DOWN with its reason, Temporal UP (it is up), no UNKNOWN.
 */
class HealthWithDatabaseDownIntegrationTest {
  @TempDir Path home;

  @Test
  void clerkHealthReportsTheDatabaseDownAndTemporalUp() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(home.resolve("pgdata"))
        .setCleanDataDirectory(false).setPort(freePort()).start();
    ClerkSettings settings = ClerkSettings.from(Map.of(
        "CLERK_HOME", home.toString(),
        "CLERK_DATABASE_URL", pg.getJdbcUrl("postgres", "postgres"),
        "CLERK_EMBEDDED_TEMPORAL_PORT", String.valueOf(freePort()),
        "CLERK_HTTP_PORT", "0",
        "CLERK_RECONCILE_INTERVAL", "off"));
    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      String url = "http://127.0.0.1:" + ((WebServerApplicationContext) worker.context()).getWebServer().getPort();
      assertThat(CliWithWorkerTest.clerk("health", "--url", url).exit()).as("healthy before").isZero();

      pg.close();

      CliWithWorkerTest.Run text = CliWithWorkerTest.clerk("health", "--url", url);
      assertThat(text.exit()).as(text.out()).isEqualTo(HealthCommand.UNHEALTHY);
      assertThat(text.out()).containsPattern("database: +DOWN").containsPattern("temporal: +UP")
          .contains("problem:         db is DOWN: database unreachable").doesNotContain("UNKNOWN");

      CliWithWorkerTest.Run json = CliWithWorkerTest.clerk("health", "--url", url, "--json");
      JsonNode out = new ObjectMapper().readTree(json.out());
      assertThat(out.path("verdict").asText()).isEqualTo("unhealthy");
      assertThat(out.path("health").path("components").path("db").path("status").asText()).isEqualTo("DOWN");
      assertThat(out.path("health").path("components").path("temporal").path("status").asText()).isEqualTo("UP");
      assertThat(out.path("problems").toString()).doesNotContain("temporal");
    } finally {
      pg.close();
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
