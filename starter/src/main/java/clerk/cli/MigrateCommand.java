package clerk.cli;

import clerk.activities.db.SiteRepository;
import clerk.activities.reconcile.SiteReconciler;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.Pipelines;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "migrate-stuck-sites",
    mixinStandardHelpOptions = true,
    description = {
      "Sets every site's state from disk, for a storage tree moved in from another system.",
      "Registers every site folder of STORAGE_DIR and sets its document-level counters from disk (a"
          + " document counts once however many pages it has), and starts or signals the pipeline of every"
          + " site with work when a worker runs. Needs only the database; without a worker, pipelines start"
          + " with the worker."
    })
final class MigrateCommand implements Callable<Integer> {
  @Option(names = "--dry-run", description = "report only: nothing written")
  boolean dryRun;

  @Override
  public Integer call() {
    return migrate(dryRun);
  }

  /** Also {@code clerk sites import}: one way to bring a storage tree in. */
  static int migrate(boolean dryRun) {
    try (Services services = new Services(ClerkCli.settings())) {
      SiteStorage storage = services.storage();
      SiteRepository repository = services.repository();
      SiteReconciler reconciler =
          new SiteReconciler(storage, repository, services.settings().deployDir());
      System.out.println(ReconcileCommand.RULE);
      System.out.println("MIGRATION: " + storage.root() + " to document-level counters");
      System.out.println(ReconcileCommand.RULE);
      System.out.println();
      if (dryRun) {
        System.out.println("DRY RUN MODE - no changes will be made");
        System.out.println();
      }
      // A site given new work gets its pipeline at once (signal-with-start): a pipeline running on
      // older state must never finish the site over what this import registered.
      Pipelines pipelines = !dryRun && services.hasTemporal() ? services.pipelines() : null;
      List<String> sites = storage.listSites();
      System.out.println("Found " + ReconcileCommand.plural(sites.size(), "site") + " in " + storage.root());
      System.out.println();
      int migrated = 0;
      int errors = 0;
      for (String site : sites) {
        try {
          SiteReconciler.Repair repair = reconciler.repair(site, dryRun, true, null);
          StageCounters ocr = repair.after().counters(Stage.OCR);
          String pipeline = "";
          if (pipelines != null && !repair.stage().isEnd() && !repair.repairs().isEmpty()) {
            pipeline = pipelines.resume(site, "import: " + String.join(", ", repair.repairs()))
                ? ", pipeline started" : ", pipeline signalled";
          }
          System.out.println("  " + site + ": " + ocr.completed() + "/" + ocr.total() + " completed, "
              + ocr.failed() + " failed" + (repair.partial() > 0 ? ", " + repair.partial()
                  + " with a half-written text folder (OCR resumes them)" : "")
              + "  [stage " + repair.stage().dbName() + pipeline + "]");
          for (String problem : repair.problems()) {
            System.out.println("      problem: " + problem);
          }
          migrated++;
        } catch (RuntimeException e) {
          System.out.println("  " + site + ": error: " + e.getMessage());
          errors++;
        }
      }
      System.out.println();
      System.out.println((dryRun ? "Would migrate " : "Migrated ") + ReconcileCommand.plural(migrated, "site")
          + (errors == 0 ? "" : "; " + ReconcileCommand.plural(errors, "error")));
      if (!dryRun) {
        System.out.println();
        System.out.println("Migration complete!");
        if (pipelines == null) {
          System.out.println("No worker is running: when one starts, its start-up reconciliation starts the"
              + " pipeline of every site with work (or: clerk start --all).");
        }
      }
      return errors == 0 ? 0 : 1;
    }
  }
}
