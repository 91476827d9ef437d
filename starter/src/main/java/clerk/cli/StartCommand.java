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
      "Starts the pipeline of the given sites (or of every registered site with --all).",
      "A site whose pipeline is running is left alone: there is never a second one."
    })
final class StartCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "SUBDOMAIN", description = "sites to start")
  List<String> subdomains = new ArrayList<>();

  @Option(names = "--all", description = "every registered site that is not completed")
  boolean all;

  @Override
  public Integer call() {
    if (all == !subdomains.isEmpty()) {
      throw new CliException(2, "give either site subdomains or --all");
    }
    try (Services services = new Services(ClerkCli.settings())) {
      SiteRepository repository = services.repository();
      List<String> targets = new ArrayList<>();
      if (all) {
        repository.sites().stream()
            .filter(s -> s.currentStage() == null || !s.currentStage().dbName().equals("completed"))
            .map(SiteRow::subdomain)
            .forEach(targets::add);
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
      return 0;
    }
  }
}
