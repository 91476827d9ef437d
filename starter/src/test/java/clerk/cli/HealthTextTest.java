package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code clerk health} prints a readable line per component, never the worker's JSON. */
class HealthTextTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static final String HEALTHY = """
      {"status": "UP", "components": {
        "db": {"status": "UP", "details": {"database": "PostgreSQL 17.7"}},
        "temporal": {"status": "UP", "details": {"address": "127.0.0.1:7233", "namespace": "default", "status": "SERVING"}},
        "disk": {"status": "UP", "details": {"min_free": 1073741824,
          "STORAGE_DIR": {"path": "/srv/clerk/storage", "free": 65712160768, "total": 270553174016},
          "DEPLOY_DIR": {"path": "/srv/clerk/deploy", "free": 65712160768, "total": 270553174016}}},
        "reconciliation": {"status": "UP", "details": {"startup": "success: 100 sites compared, 3 examined, 1 repaired, 0 signalled, 2 restarted, 0 all failed",
          "timer": "cron workflow reconciliation/cron"}},
        "sites": {"status": "UP", "details": {"by_stage": {"none": 2, "ocr": 1, "completed": 97}, "stuck": 1,
          "stale_threshold_minutes": 120, "failed": 0, "failed_sites": [], "without_pipeline": 0,
          "without_pipeline_sites": [], "storage_problems": 0, "storage_problem_sites": []}}}}""";
  static final String LAST_RUN = """
      {"status": "success", "timestamp": "2026-11-25T00:11:32.742Z", "results": {"run_id": 7, "trigger": "schedule",
        "threshold_minutes": 120, "scanned": 100, "examined": 100, "repaired": 1, "signalled": 0,
        "restarted": 2, "all_failed": 0}, "errors": [], "uptime": 3600}""";

  @Test
  void aHealthyWorkerIsALinePerComponentWithStatusAndShortDetail() throws Exception {
    String text = HealthText.format("http://127.0.0.1:8077", JSON.readTree(HEALTHY), JSON.readTree(LAST_RUN),
        List.of(), List.of("1 stuck site (no progress for 2.0 h): …"), "degraded");

    assertThat(text.lines()).containsExactly(
        "worker:          UP  http://127.0.0.1:8077",
        "database:        UP  PostgreSQL 17.7",
        "temporal:        UP  127.0.0.1:7233, namespace default",
        "disk:            UP  STORAGE_DIR /srv/clerk/storage 61.2 GB free, DEPLOY_DIR /srv/clerk/deploy 61.2 GB free"
            + " (min 1.0 GB)",
        "reconciliation:  UP  timer cron workflow reconciliation/cron; start-up success: 100 sites compared, 3 examined,"
            + " 1 repaired, 0 signalled, 2 restarted, 0 all failed",
        "sites:           UP  2 registered, 1 ocr, 97 completed; 1 stuck, 0 failed, 0 without pipeline, 0 with"
            + " skipped files",
        "last run:        success  at 2026-11-25T00:11:32.742Z (schedule): 100 examined, 1 repaired, 0 signalled,"
            + " 2 restarted, 0 errors",
        "warning:         1 stuck site (no progress for 2.0 h): …",
        "degraded");
    assertThat(text).doesNotContain("{", "}", "\"");
  }

  @Test
  void aComponentDownShowsItsReasonCutToOneShortLine() throws Exception {
    String reason = "database unreachable: Connection to 127.0.0.1:54329 refused. " + "x".repeat(300) + "\nCaused by: …";
    JsonNode health = JSON.readTree(HEALTHY);
    ((com.fasterxml.jackson.databind.node.ObjectNode) health.path("components").path("db"))
        .put("status", "DOWN").putObject("details").put("error", reason);
    ((com.fasterxml.jackson.databind.node.ObjectNode) health.path("components").path("disk"))
        .put("status", "DOWN").putObject("details")
        .put("error", "DEPLOY_DIR /srv/clerk/deploy has 512 MB free, under CLERK_DISK_MIN_FREE 1.0 GB");
    JsonNode lastRun = JSON.readTree("{\"error\": \"database unavailable: refused\"}");

    String text = HealthText.format("http://127.0.0.1:8077", health, lastRun, List.of("db is DOWN: " + reason),
        List.of(), "unhealthy");

    String database = text.lines().filter(l -> l.startsWith("database:")).findFirst().orElseThrow();
    assertThat(database).startsWith("database:        DOWN  database unreachable: Connection to 127.0.0.1:54329 refused.")
        .endsWith("…").hasSizeLessThanOrEqualTo(17 + 6 + HealthText.DETAIL);
    assertThat(text).contains(
        "disk:            DOWN  DEPLOY_DIR /srv/clerk/deploy has 512 MB free, under CLERK_DISK_MIN_FREE 1.0 GB\n",
        "last run:        unknown  database unavailable: refused\n",
        "problem:         db is DOWN: database unreachable");
    assertThat(text).endsWith("unhealthy\n");
  }

  @Test
  void noWorkerIsTheProblemAndTheVerdict() {
    assertThat(HealthText.format(null, null, null, List.of("no clerk worker is running on /var/lib/clerk"), List.of(),
        "unhealthy")).isEqualTo("problem:         no clerk worker is running on /var/lib/clerk\nunhealthy\n");
  }
}
