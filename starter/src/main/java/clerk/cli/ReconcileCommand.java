package clerk.cli;

import clerk.activities.storage.SiteStorage;
import clerk.worker.Reconciliations;
import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.SiteReconciliation;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "reconcile-pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one reconciliation now (the worker also runs it every 15 minutes and at start-up):",
      "finds sites not completed with no progress for the threshold or no running pipeline, counts",
      "their documents on disk, repairs the database counters and signals or restarts their pipelines.",
      "Exit code 1 when a site could not be reconciled."
    })
final class ReconcileCommand implements Callable<Integer> {
  static final String RULE = "=".repeat(80);

  @Option(names = "--threshold-hours", paramLabel = "HOURS",
      description = "stuck after this many hours without progress (default: CLERK_STALE_THRESHOLD, 2)")
  Double thresholdHours;

  @Option(names = "--dry-run", description = "report only: nothing written, signalled or started")
  boolean dryRun;

  @Option(names = "--site", paramLabel = "SUBDOMAIN", description = "only this site, stuck or not")
  String site;

  @Option(names = "--json", description = "the report as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (site != null) {
      SiteStorage.validateSubdomain(site);
    }
    if (thresholdHours != null && thresholdHours < 0) {
      throw new IllegalArgumentException("--threshold-hours must not be negative");
    }
    try (Services services = new Services(ClerkCli.settings())) {
      int minutes = thresholdHours == null
          ? (int) services.settings().staleThreshold().toMinutes()
          : (int) Math.round(thresholdHours * 60);
      Reconciliations reconciliations = new Reconciliations(services.client(), services.settings());
      if (Boolean.FALSE.equals(reconciliations.workerPolling())) {
        throw new CliException(3, "no clerk worker polls task queue " + services.settings().taskQueue()
            + ": reconciliation runs in the worker; start it (systemctl start clerk-worker, or clerk worker)");
      }
      ReconciliationReport report =
          reconciliations.run(new ReconciliationRequest("cli", minutes, dryRun, site));
      if (json) {
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
      } else {
        print(report);
      }
      return report.status().equals("errors") ? 1 : 0;
    }
  }

  static void print(ReconciliationReport report) {
    System.out.println(RULE);
    System.out.println("RECONCILIATION: " + Instant.parse(report.startedAt()).truncatedTo(ChronoUnit.SECONDS));
    System.out.println(RULE);
    System.out.println();
    if (report.dryRun()) {
      System.out.println("DRY RUN MODE - no changes will be made");
      System.out.println();
    }
    if (report.status().equals("skipped")) {
      System.out.println("Skipped: " + String.join("; ", report.errors()));
      return;
    }
    System.out.println("Found " + report.examined() + " stuck sites:");
    System.out.println();
    for (SiteReconciliation s : report.sites()) {
      System.out.println("  " + s.subdomain() + ": " + s.detail() + "  [" + s.reason() + "]");
      for (String repair : s.repairs()) {
        System.out.println("      " + (report.dryRun() ? "would repair " : "repaired ") + repair);
      }
    }
    if (!report.sites().isEmpty()) {
      System.out.println();
    }
    // Recovered: its pipeline was signalled or restarted, or its state was repaired to completed.
    long recovered = report.sites().stream()
        .filter(s -> s.is(SiteReconciliation.Action.SIGNALLED) || s.is(SiteReconciliation.Action.RESTARTED)
            || s.is(SiteReconciliation.Action.NONE)
            || (s.is(SiteReconciliation.Action.COMPLETED) && s.repaired()))
        .count();
    System.out.println((report.dryRun() ? "Would recover " : "Recovered ") + recovered + " sites"
        + (report.allFailed() > 0 ? " (" + report.allFailed() + " with every document failed: see"
            + " 'clerk status SITE')" : "")
        + (report.errors().isEmpty() ? "" : "; " + report.errors().size() + " errors"));
    for (String error : report.errors()) {
      System.out.println("  error: " + error);
    }
  }
}
