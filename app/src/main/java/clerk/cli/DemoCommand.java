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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
      for (String site : SITES) {
        repository.ensureSite(site, null);
        pipelines.start(site);
        System.out.println("started " + site + "  " + settings.workflowLink(site));
      }
      boolean done = watch(repository, pipelines, Duration.ofMinutes(timeoutMinutes));
      return summary(repository, settings) && done ? 0 : 1;
    } finally {
      if (worker != null) {
        worker.close();
      }
    }
  }

  private static boolean watch(SiteRepository repository, Pipelines pipelines, Duration timeout)
      throws InterruptedException {
    Instant start = Instant.now();
    Map<String, String> last = new HashMap<>();
    while (Duration.between(start, Instant.now()).compareTo(timeout) < 0) {
      boolean all = true;
      for (String site : SITES) {
        SiteRow row = repository.site(site);
        boolean running = pipelines.isRunning(site);
        Stage stage = row.currentStage();
        String line = stage == null ? "waiting"
            : stage == Stage.COMPLETED ? "completed" : row.counters(stage).toString();
        if (!line.equals(last.put(site, line))) {
          System.out.printf("[%5.1fs] %-20s %s%n",
              Duration.between(start, Instant.now()).toMillis() / 1000.0, site, line);
        }
        all &= !running && stage == Stage.COMPLETED;
      }
      if (all) {
        return true;
      }
      Thread.sleep(500);
    }
    System.out.println("timed out after " + timeout.toMinutes() + " minutes");
    return false;
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
