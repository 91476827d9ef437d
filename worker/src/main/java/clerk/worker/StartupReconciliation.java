package clerk.worker;

import clerk.client.ReconciliationSchedule;
import clerk.client.Reconciliations;
import clerk.client.ClerkSettings;
import clerk.workflows.ReconciliationReport;
import io.temporal.client.WorkflowClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * What the worker does once its Temporal workers run and before it reports itself ready: puts the
 * reconciliation Schedule in place and runs one reconciliation, so a restart after downtime repairs
 * state at once. Until then the worker's health is OUT_OF_SERVICE.
 */
@Component("reconciliation")
public class StartupReconciliation implements HealthIndicator {
  private static final Logger log = LoggerFactory.getLogger(StartupReconciliation.class);

  private final WorkflowClient client;
  private final ClerkSettings settings;
  private volatile boolean ready;
  private volatile ReconciliationSchedule.Mode mode;
  private volatile String outcome = "not run";

  public StartupReconciliation(WorkflowClient client, ClerkSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  public void run() {
    mode = new ReconciliationSchedule(client, settings).ensure();
    log.info("start-up reconciliation...");
    long started = System.nanoTime();
    try {
      Reconciliations reconciliations = new Reconciliations(client, settings);
      ReconciliationReport report = reconciliations.run(reconciliations.request("startup"));
      outcome = report.status() + ": " + report.scanned() + " sites compared, " + report.examined()
          + " examined, " + report.repaired() + " repaired, " + report.signalled() + " signalled, "
          + report.restarted() + " restarted, " + report.allFailed() + " all failed"
          + (report.errors().isEmpty() ? "" : ", errors " + report.errors());
      log.info("start-up reconciliation completed in {} ms: {}", (System.nanoTime() - started) / 1_000_000,
          outcome);
    } catch (RuntimeException e) {
      // The scheduled runs will try again; a worker that cannot reconcile can still process documents.
      outcome = "failed: " + e.getMessage();
      log.warn("start-up reconciliation failed: {}", e.toString());
    }
    ready = true;
  }

  /** Ready without reconciling: another worker does it. */
  public void skip(String why) {
    outcome = "skipped: " + why;
    ready = true;
    log.info("start-up reconciliation skipped: {}", why);
  }

  @Override
  public Health health() {
    Health.Builder health = ready ? Health.up() : Health.outOfService();
    return health
        .withDetail("startup", ready ? outcome : "start-up reconciliation running")
        .withDetail("timer", mode == null ? "not set up yet" : switch (mode) {
          case SCHEDULE -> "Temporal Schedule " + ReconciliationSchedule.SCHEDULE_ID;
          case CRON -> "cron workflow " + ReconciliationSchedule.CRON_WORKFLOW_ID;
          case OFF -> "off (CLERK_RECONCILE_INTERVAL=off)";
        })
        .build();
  }
}
