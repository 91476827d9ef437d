package clerk.cli;

import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.Pipelines;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the pipeline of the given sites, or with --all of every registered site that has work:",
      "not finished, or completed but changed on disk since (new, replaced or removed PDFs). A site",
      "whose pipeline is running is left alone: there is never a second one."
    })
final class StartCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "SUBDOMAIN", description = "sites to start")
  List<String> subdomains = new ArrayList<>();

  @Option(names = "--all", description = "every registered site with work, completed or not")
  boolean all;

  @Override
  public Integer call() {
    if (all == !subdomains.isEmpty()) {
      throw new CliException(2, "give either site subdomains or --all");
    }
    try (Services services = new Services(ClerkCli.settings())) {
      SiteRepository repository = services.repository();
      List<String> targets = new ArrayList<>();
      int unchanged = 0;
      if (all) {
        SiteStorage storage = services.storage();
        for (SiteRow s : repository.sites()) {
          if (hasWork(storage, s)) {
            targets.add(s.subdomain());
          } else {
            unchanged++;
          }
        }
      } else {
        for (String s : subdomains) {
          SiteStorage.validateSubdomain(s);
          if (!repository.siteExists(s)) {
            throw new CliException(4, "unknown site " + s + ": add it with 'clerk sites add " + s + "'");
          }
          targets.add(s);
        }
      }
      Pipelines pipelines = services.pipelines();
      for (String s : targets) {
        boolean started = pipelines.start(s);
        System.out.println((started ? "started  " : "running  ") + s + "  "
            + services.settings().workflowLink(s));
      }
      if (targets.isEmpty()) {
        System.out.println("no sites to start");
      }
      if (unchanged > 0) {
        System.out.println(unchanged + (unchanged == 1 ? " site has" : " sites have")
            + " no work: finished and unchanged on disk since");
      }
      return 0;
    }
  }

  /**
   * Work left in the database, or a finished site whose folder changed since it was last compared
   * (the fingerprint reconciliation keeps). A site with no folder and no documents has none.
   */
  static boolean hasWork(SiteStorage storage, SiteRow site) {
    if (site.currentStage() != null && !site.currentStage().isEnd()) {
      return true;
    }
    if (!java.nio.file.Files.isDirectory(storage.siteDir(site.subdomain()))) {
      return false;
    }
    return !storage.survey(site.subdomain()).fingerprint().equals(site.storageFingerprint());
  }
}
