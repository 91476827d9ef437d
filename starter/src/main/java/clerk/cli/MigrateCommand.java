package clerk.cli;

import clerk.activities.db.SiteRepository;
import clerk.activities.reconcile.SiteReconciler;
import clerk.activities.storage.SiteStorage;
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
      "For a STORAGE_DIR whose database state is missing or wrong (moved from another system):",
      "registers every site folder and sets its document-level counters from disk (a document counts",
      "once however many pages it has). Then run 'clerk reconcile-pipeline' to start the pipelines.",
      "Needs only the database."
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
      List<String> sites = storage.listSites();
      System.out.println("Found " + sites.size() + " sites in " + storage.root());
      System.out.println();
      int migrated = 0;
      int errors = 0;
      for (String site : sites) {
        try {
          SiteReconciler.Repair repair = reconciler.repair(site, dryRun, true);
          StageCounters ocr = repair.after().counters(Stage.OCR);
          System.out.println("  " + site + ": " + ocr.completed() + "/" + ocr.total() + " completed, "
              + ocr.failed() + " failed" + (repair.partial() > 0 ? ", " + repair.partial()
                  + " with a half-written text folder (OCR resumes them)" : "")
              + "  [stage " + repair.stage().dbName() + "]");
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
      System.out.println((dryRun ? "Would migrate " : "Migrated ") + migrated + " sites"
          + (errors == 0 ? "" : "; " + errors + " errors"));
      if (!dryRun) {
        System.out.println();
        System.out.println("Migration complete!");
        System.out.println("Next step: run reconciliation to start their pipelines");
        System.out.println("  clerk reconcile-pipeline");
      }
      return errors == 0 ? 0 : 1;
    }
  }
}
