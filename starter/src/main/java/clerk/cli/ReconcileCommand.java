package clerk.cli;

import clerk.activities.storage.SiteStorage;
import clerk.client.Reconciliations;
import clerk.client.api.ReconciliationRunJson;
import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.SiteReconciliation;
import clerk.activities.db.ReconciliationRuns;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowFailedException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "reconcile-pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one reconciliation now (the worker also runs it every 15 minutes and at start-up).",
      "Compares every site's storage folder and bundle with the database (new, changed, removed and"
          + " damaged documents, counters, page rows), repairs what differs, and signals or restarts the"
          + " pipelines of sites with work left. Exit code 1 when a site could not be reconciled or another"
          + " reconciliation was acting (nothing done)."
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

  @Option(names = "--json", description = "the report as JSON (docs/api.md)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (site != null) {
      SiteStorage.validateSubdomain(site);
    }
    if (thresholdHours != null && !(thresholdHours >= 0 && thresholdHours <= MAX_THRESHOLD_HOURS)) {
      throw new IllegalArgumentException("--threshold-hours must be a number of hours from 0 to "
          + MAX_THRESHOLD_HOURS + ", got " + thresholdHours);
    }
    try (Services services = new Services(ClerkCli.settings())) {
      if (site != null && !services.repository().siteExists(site)) {
        throw new CliException(4, "unknown site " + site + ": add it with 'clerk sites add " + site + "'");
      }
      int minutes = thresholdHours == null
          ? (int) services.settings().staleThreshold().toMinutes()
          : (int) Math.round(thresholdHours * 60);
      Reconciliations reconciliations = new Reconciliations(services.client(), services.settings());
      if (Boolean.FALSE.equals(reconciliations.workerPolling())) {
        throw new CliException(3, "no clerk worker polls task queue " + services.settings().taskQueue()
            + ": reconciliation runs in the worker; start it (systemctl start clerk-worker, or clerk worker)");
      }
      ReconciliationReport report;
      try {
        report = reconciliations.run(new ReconciliationRequest("cli", minutes, dryRun, site));
      } catch (WorkflowFailedException e) {
        throw new CliException(1, "reconciliation failed: " + rootMessage(e));
      }
      ReconciliationRuns runs = new ReconciliationRuns(services.repository().dataSource());
      if (json) {
        List<SiteReconciliation> sites = new ArrayList<>();
        forEachSite(runs, report, sites::add);
        System.out.println(JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(ReconciliationRunJson.of(report, sites)));
      } else {
        print(report, runs);
      }
      // Exit 1 when it could not act at all (another run acts) or some sites could not be reconciled.
      return report.status().equals("success") ? 0 : 1;
    }
  }

  static final double MAX_THRESHOLD_HOURS = 24 * 365;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every per-site row of the run, read a page at a time. */
  static void forEachSite(ReconciliationRuns runs, ReconciliationReport report, Consumer<SiteReconciliation> each) {
    if (report.runId() == null) {
      return;
    }
    for (int offset = 0; ; offset += PAGE) {
      List<SiteReconciliation> page = runs.sites(report.runId(), offset, PAGE);
      page.forEach(each);
      if (page.size() < PAGE) {
        return;
      }
    }
  }

  private static final int PAGE = 500;

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof io.temporal.failure.ApplicationFailure app ? app.getOriginalMessage() : t.getMessage();
  }

  /** The site's detail; for a pipeline set going, with what was (or would be) done. */
  static String line(SiteReconciliation s, boolean dryRun) {
    if (s.is(SiteReconciliation.Action.RESTARTED)) {
      return s.detail() + (dryRun ? ": would restart the pipeline" : ": restarted the pipeline");
    }
    if (s.is(SiteReconciliation.Action.SIGNALLED)) {
      return s.detail() + (dryRun ? ": would signal the pipeline" : ": signalled the pipeline");
    }
    return s.detail();
  }

  static void print(ReconciliationReport report, ReconciliationRuns runs) {
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
      System.out.println("Nothing was done; run it again when that run has finished.");
      return;
    }
    System.out.println("Compared " + plural(report.scanned(), "site") + " with their storage; " + report.examined()
        + (report.examined() == 1 ? " needs" : " need") + (report.dryRun() ? "" : "ed") + " attention"
        + (report.examined() > 0 ? ":" : "."));
    System.out.println();
    long[] recovered = {0};
    forEachSite(runs, report, s -> {
      System.out.println("  " + s.subdomain() + ": " + line(s, report.dryRun()) + "  [" + s.reason() + "]");
      // Each repair says what was done, or in a dry run what would be ("would be sent back to OCR").
      for (String repair : s.repairs()) {
        System.out.println("      " + repair);
      }
      if (ReconciliationRunJson.recovered(s)) {
        recovered[0]++;
      }
    });
    if (report.examined() > 0) {
      System.out.println();
    }
    System.out.println((report.dryRun() ? "Would recover " : "Recovered ") + plural(recovered[0], "site")
        + (report.allFailed() > 0 ? " (" + report.allFailed() + " with every document failed: see"
            + " 'clerk status SITE', then 'clerk retry SITE')" : "")
        + (report.errorCount() == 0 ? "" : "; " + plural(report.errorCount(), "error")));
    for (String error : report.errors()) {
      System.out.println("  error: " + error);
    }
  }

  /** "1 site", "2 sites". */
  static String plural(long count, String word) {
    return count + " " + word + (count == 1 ? "" : "s");
  }
}
