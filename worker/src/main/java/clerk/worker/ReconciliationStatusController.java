package clerk.worker;

import clerk.activities.db.ReconciliationRuns;
import clerk.client.api.ReconciliationStatusJson;
import java.lang.management.ManagementFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/reconciliation/status}: the last reconciliation run ({@link ReconciliationStatusJson}). */
@RestController
public class ReconciliationStatusController {
  private final ReconciliationRuns runs;

  public ReconciliationStatusController(ReconciliationRuns runs) {
    this.runs = runs;
  }

  @GetMapping("/v1/reconciliation/status")
  public ReconciliationStatusJson status() {
    return ReconciliationStatusJson.of(runs.last(), ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
  }
}
