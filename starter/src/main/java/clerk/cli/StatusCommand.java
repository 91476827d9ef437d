package clerk.cli;

import clerk.activities.db.PageWarnings;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.Pipelines;
import clerk.workflows.SiteProgress;
import clerk.workflows.StageCounters;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  @Option(names = "--json", description = "machine-readable output")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (Services services = new Services(ClerkCli.settings())) {
      SiteRepository repository = services.repository();
      // Only one site's detail asks Temporal (live progress): the table needs no gRPC client.
      Optional<Pipelines> pipelines = subdomain != null && services.hasTemporal()
          ? Optional.of(services.pipelines()) : Optional.empty();
      List<SiteRow> rows;
      if (subdomain == null) {
        rows = repository.sites();
      } else {
        SiteStorage.validateSubdomain(subdomain);
        SiteRow row = repository.site(subdomain);
        if (row == null) {
          throw new CliException(4, "unknown site " + subdomain);
        }
        rows = List.of(row);
      }
      List<Map<String, Object>> out = new ArrayList<>();
      for (SiteRow row : rows) {
        Map<String, Object> m = describe(row);
        if (subdomain != null) {
          m.put("failed_documents", repository.failedDocuments(row.subdomain()));
          m.put("page_warnings", new PageWarnings(repository.dataSource()).ofSite(row.subdomain()));
          m.put("pages", repository.pages(row.subdomain()));
          pipelines.flatMap(p -> p.progress(row.subdomain())).ifPresent(p -> m.put("running", p));
          m.put("workflow", services.settings().workflowLink(row.subdomain()));
        }
        out.add(m);
      }
      if (json) {
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter()
            .writeValueAsString(subdomain == null ? out : out.get(0)));
      } else if (subdomain == null) {
        printTable(rows);
      } else {
        printSite(out.get(0), rows.get(0));
      }
      return 0;
    }
  }

  private static Map<String, Object> describe(SiteRow row) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("subdomain", row.subdomain());
    m.put("name", row.name());
    m.put("current_stage", row.currentStage() == null ? null : row.currentStage().dbName());
    for (StageCounters c : row.counters()) {
      String st = c.stage().dbName();
      m.put(st + "_total", c.total());
      m.put(st + "_completed", c.completed());
      m.put(st + "_failed", c.failed());
    }
    m.put("coordinator_enqueued", row.coordinatorEnqueued());
    m.put("note", row.note());
    m.put("started_at", str(row.startedAt()));
    m.put("completed_at", str(row.completedAt()));
    m.put("updated_at", str(row.updatedAt()));
    m.put("last_error_stage", row.lastErrorStage());
    m.put("last_error_message", row.lastErrorMessage());
    m.put("last_error_at", str(row.lastErrorAt()));
    m.put("storage_problems", row.storageProblems());
    return m;
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
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

  private static void printSite(Map<String, Object> m, SiteRow r) {
    System.out.println(r.subdomain() + (r.name().isEmpty() ? "" : " (" + r.name() + ")"));
    System.out.println("  stage:    " + (r.currentStage() == null ? "not started" : r.currentStage().dbName())
        + "   updated " + ago(r.updatedAt()));
    for (StageCounters c : r.counters()) {
      System.out.printf("  %-12s %s%n", c.stage().dbName(), counts(c));
    }
    System.out.println("  pages:    " + m.get("pages"));
    if (r.note() != null) {
      System.out.println("  note:     " + r.note());
    }
    if (m.get("running") instanceof SiteProgress p) {
      System.out.println("  running:  " + p.counters() + ", in flight: " + p.inFlight());
    }
    @SuppressWarnings("unchecked")
    List<SiteRepository.FailedDocument> failed = (List<SiteRepository.FailedDocument>) m.get("failed_documents");
    if (!failed.isEmpty()) {
      System.out.println("  failed documents:");
      for (SiteRepository.FailedDocument f : failed) {
        System.out.println("    " + f.documentId() + " [" + f.stage() + "] " + f.error());
      }
    }
    PageWarnings.OfSite warnings = (PageWarnings.OfSite) m.get("page_warnings");
    if (warnings.total() > 0) {
      System.out.println("  page warnings (" + warnings.total() + "):");
      warnings.warnings().forEach(w -> System.out.println("    " + w.documentId()
          + (w.page() > 0 ? " page " + w.page() : "") + ": " + w.warning()));
    }
    if (!r.storageProblems().isEmpty()) {
      System.out.println("  skipped files (" + r.storageProblems().size() + "):");
      r.storageProblems().forEach(p -> System.out.println("    " + p));
    }
    System.out.println("  workflow: " + m.get("workflow"));
  }
}
