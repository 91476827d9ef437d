package clerk.worker;

import clerk.activities.db.ReconciliationRuns;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/reconciliation/status}: the last reconciliation run, in the shape the old start-up
 * reconciler's endpoint had ({@code status}, {@code timestamp}, {@code results}, {@code errors},
 * {@code uptime} in seconds).
 */
@RestController
public class ReconciliationStatusController {
  private final ReconciliationRuns runs;

  public ReconciliationStatusController(ReconciliationRuns runs) {
    this.runs = runs;
  }

  @GetMapping("/v1/reconciliation/status")
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
    runs.last().ifPresentOrElse(run -> {
      out.put("status", run.status());
      out.put("timestamp", run.finishedAt().toString());
      Map<String, Object> results = new LinkedHashMap<>();
      results.put("runId", run.id());
      results.put("trigger", run.trigger());
      results.put("thresholdMinutes", run.thresholdMinutes());
      results.put("sitesScanned", run.scanned());
      results.put("sitesExamined", run.examined());
      results.put("sitesRepaired", run.repaired());
      results.put("sitesSignalled", run.signalled());
      results.put("sitesRestarted", run.restarted());
      results.put("sitesAllFailed", run.allFailed());
      out.put("results", results);
      out.put("errors", run.errors());
    }, () -> {
      out.put("status", "never run");
      out.put("timestamp", null);
      out.put("results", Map.of());
      out.put("errors", List.of());
    });
    out.put("uptime", uptime);
    return out;
  }
}
