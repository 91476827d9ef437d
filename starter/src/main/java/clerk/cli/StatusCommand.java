package clerk.cli;

import clerk.activities.db.PageWarnings;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.storage.SiteStorage;
import clerk.client.api.SiteJson;
import clerk.workflows.SiteProgress;
import clerk.workflows.StageCounters;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows every site's stage and document counters, or one site in detail.",
      "One site: counters per stage, failed documents with their reasons, live progress and its workflow"
          + " in the Temporal UI."
    })
final class StatusCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "SUBDOMAIN")
  String subdomain;

  @Option(names = "--json", description = "machine-readable output (as GET /v1/dashboard's sites, GET /v1/sites/SUBDOMAIN)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (Services services = new Services(ClerkCli.settings())) {
      SiteRepository repository = services.repository();
      if (subdomain == null) {
        List<SiteRow> rows = repository.sites();
        if (json) {
          print(rows.stream().map(r -> SiteJson.summary(r, services.settings())).toList());
        } else {
          printTable(rows);
        }
        return 0;
      }
      SiteStorage.validateSubdomain(subdomain);
      SiteRow row = repository.site(subdomain);
      if (row == null) {
        throw new CliException(4, "unknown site " + subdomain);
      }
      SiteProgress running = services.hasTemporal() ? services.pipelines().progress(subdomain).orElse(null) : null;
      SiteJson.Detail detail = SiteJson.detail(row, services.settings(), repository, running);
      if (json) {
        print(detail);
      } else {
        printSite(detail, row);
      }
      return 0;
    }
  }

  /** As {@code GET /v1/dashboard}'s {@code sites} and {@code GET /v1/sites/{subdomain}} show it (docs/api.md). */
  private static void print(Object value) throws Exception {
    System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
  }

  static String counts(StageCounters c) {
    return c.completed() + "/" + c.total() + (c.failed() > 0 ? " (" + c.failed() + " failed)" : "");
  }

  static String ago(Instant t) {
    if (t == null) {
      return "-";
    }
    Duration d = Duration.between(t, Instant.now());
    if (d.toMinutes() < 1) {
      return d.toSeconds() + "s ago";
    }
    return d.toHours() < 1 ? d.toMinutes() + "m ago" : d.toHours() + "h ago";
  }

  private static void printTable(List<SiteRow> rows) {
    if (rows.isEmpty()) {
      System.out.println("no sites registered: 'clerk sites add SUBDOMAIN' or 'clerk sites import'");
      return;
    }
    String format = "%-28s %-12s %-16s %-16s %-16s %-16s %s%n";
    System.out.printf(format, "SITE", "STAGE", "OCR", "COMPILATION", "EXTRACTION", "DEPLOY", "UPDATED");
    for (SiteRow r : rows) {
      System.out.printf(format, r.subdomain(),
          r.currentStage() == null ? "-" : r.currentStage().dbName(),
          counts(r.counters().get(0)), counts(r.counters().get(1)), counts(r.counters().get(2)),
          counts(r.counters().get(3)), ago(r.updatedAt()));
    }
  }

  private static void printSite(SiteJson.Detail m, SiteRow r) {
    System.out.println(r.subdomain() + (r.name().isEmpty() ? "" : " (" + r.name() + ")"));
    System.out.println("  stage:    " + (r.currentStage() == null ? "not started" : r.currentStage().dbName())
        + "   updated " + ago(r.updatedAt()));
    for (StageCounters c : r.counters()) {
      System.out.printf("  %-12s %s%n", c.stage().dbName(), counts(c));
    }
    System.out.println("  pages:    " + m.pages());
    if (r.note() != null) {
      System.out.println("  note:     " + r.note());
    }
    if (m.running() != null) {
      System.out.println("  running:  " + m.running().counters() + ", in flight: " + m.running().inFlight());
    }
    if (!m.failedDocuments().isEmpty()) {
      System.out.println("  failed documents:");
      for (SiteRepository.FailedDocument f : m.failedDocuments()) {
        System.out.println("    " + f.documentId() + " [" + f.stage() + "] " + f.error());
      }
    }
    PageWarnings.OfSite warnings = m.pageWarnings();
    if (warnings.total() > 0) {
      System.out.println("  page warnings (" + warnings.total() + "):");
      warnings.warnings().forEach(w -> System.out.println("    " + w.documentId()
          + (w.page() > 0 ? " page " + w.page() : "") + ": " + w.warning()));
    }
    if (!r.storageProblems().isEmpty()) {
      System.out.println("  skipped files (" + r.storageProblems().size() + "):");
      r.storageProblems().forEach(p -> System.out.println("    " + p));
    }
    System.out.println("  workflow: " + m.summary().workflow());
  }
}
