package clerk.cli;

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
final class SitesCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return ClerkCli.groupUsage(spec);
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
        "Registers every site folder found in STORAGE_DIR, counters and stage from disk.",
        "The same as 'clerk migrate-stuck-sites'."
      })
  static final class Import implements Callable<Integer> {
    @Option(names = "--dry-run", description = "report only: nothing written")
    boolean dryRun;

    @Override
    public Integer call() {
      return MigrateCommand.migrate(dryRun);
    }
  }
}
