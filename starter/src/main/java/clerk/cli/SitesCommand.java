package clerk.cli;

import clerk.activities.SiteInventory;
import clerk.activities.db.SiteRepository;
import clerk.activities.storage.SiteStorage;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sites",
    mixinStandardHelpOptions = true,
    description = "Registers sites.",
    subcommands = {SitesCommand.Add.class, SitesCommand.Import.class})
final class SitesCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Registers one site; its folder is STORAGE_DIR/SUBDOMAIN.")
  static final class Add implements Callable<Integer> {
    @Parameters(paramLabel = "SUBDOMAIN", description = "e.g. alameda.ca.us")
    String subdomain;

    @Option(names = "--name", description = "display name, e.g. \"Alameda, CA\"")
    String name;

    @Override
    public Integer call() {
      SiteStorage.validateSubdomain(subdomain);
      try (Services services = new Services(ClerkCli.settings())) {
        boolean added = services.repository().ensureSite(subdomain, name);
        System.out.println((added ? "added " : "already registered: ") + subdomain);
        return 0;
      }
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {
        "Registers every site folder found in STORAGE_DIR, with document counters computed from disk",
        "(a document whose txt/ folder holds all its pages counts as OCR completed)."
      })
  static final class Import implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Services services = new Services(ClerkCli.settings())) {
        SiteStorage storage = services.storage();
        SiteRepository repository = services.repository();
        SiteInventory inventory = new SiteInventory(storage, repository);
        int problems = 0;
        var sites = storage.listSites();
        for (String subdomain : sites) {
          repository.ensureSite(subdomain, null);
          SiteInventory.Found found = inventory.sync(subdomain);
          repository.recountCounters(subdomain);
          System.out.printf("%s: %d documents, %d with text on disk%n",
              subdomain, found.documents(), found.textComplete());
          for (String p : found.problems()) {
            System.out.println("  problem: " + p);
            problems++;
          }
        }
        System.out.println("imported " + sites.size() + " sites from " + storage.root()
            + (problems == 0 ? "" : " (" + problems + " problems)"));
        return 0;
      }
    }
  }
}
