package clerk.cli;

import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.sample.SampleSites;
import clerk.client.ClerkSettings;
import clerk.worker.ClerkWorkerApplication;
import clerk.workflows.Pipelines;
import clerk.client.RuntimeFile;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs sample sites through every stage and shows a per-site summary.",
      "Generates sample sites (minutes and agendas; born-digital, scanned and one corrupt PDF) in"
          + " STORAGE_DIR, runs a worker with the embedded defaults (or uses the running one), starts every"
          + " site's pipeline, shows progress and ends with a per-site summary. Exits 0 when every site"
          + " completed."
    })
final class DemoCommand implements Callable<Integer> {
  static final List<String> SITES = List.of("alameda.ca.us", "berkeley.ca.us", "springfield.il.us");

  @Option(names = "--timeout-minutes", defaultValue = "20", description = "give up after (default ${DEFAULT-VALUE})")
  int timeoutMinutes;

  @Override
  public Integer call() throws Exception {
    ClerkSettings settings = ClerkCli.settings();
    for (String site : SITES) {
      if (!Files.isDirectory(settings.storageDir().resolve(site))) {
        SampleSites.generate(settings.storageDir(), List.of(site));
        System.out.println("generated sample site " + settings.storageDir().resolve(site));
      }
    }
    ClerkWorkerApplication.Running worker = null;
    if (RuntimeFile.running(settings).isEmpty()) {
      System.out.println("starting a worker with embedded PostgreSQL and Temporal in " + settings.home());
      worker = ClerkWorkerApplication.start(settings.withHttpPort(0));
      settings = worker.settings();
    } else {
      System.out.println("using the clerk worker running on " + settings.home());
    }
    try (Services services = new Services(settings)) {
      SiteRepository repository = services.repository();
      Pipelines pipelines = services.pipelines();
      SITES.forEach(site -> repository.ensureSite(site, null));
      ProgressWatch watch = ProgressWatch.onStdout(services);
      Instant since = watch.databaseNow(SITES);
      for (String site : SITES) {
        pipelines.start(site);
        System.out.println("started " + site + "  " + settings.workflowLink(site));
      }
      boolean ended = watch.watch(SITES, since, Duration.ofMinutes(timeoutMinutes)).ended();
      return summary(repository, settings) && ended ? 0 : 1;
    } finally {
      if (worker != null) {
        worker.close();
      }
    }
  }

  private static boolean summary(SiteRepository repository, ClerkSettings settings) {
    System.out.println();
    System.out.printf("%-20s %9s %6s %-10s %s%n", "SITE", "DOCUMENTS", "PAGES", "STAGE", "FAILED");
    boolean allCompleted = true;
    for (String site : SITES) {
      SiteRow row = repository.site(site);
      StageCounters ocr = row.counters(Stage.OCR);
      int failed = row.counters().stream().mapToInt(StageCounters::failed).sum();
      System.out.printf("%-20s %9d %6d %-10s %d%n", site, ocr.total(), repository.pages(site),
          row.currentStage() == null ? "-" : row.currentStage().dbName(), failed);
      for (SiteRepository.FailedDocument f : repository.failedDocuments(site)) {
        System.out.println("    failed " + f.documentId() + " [" + f.stage() + "]: " + f.error());
      }
      allCompleted &= row.currentStage() == Stage.COMPLETED;
    }
    System.out.println();
    System.out.println("bundles (SQLite meetings.db + site.json) in " + settings.deployDir());
    return allCompleted;
  }
}
