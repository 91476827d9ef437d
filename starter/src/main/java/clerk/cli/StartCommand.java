package clerk.cli;

import clerk.activities.db.SiteRow;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.Pipelines;
import java.time.Duration;
import java.time.Instant;
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
      "Starts the pipeline of the given sites, or of every registered site with work.",
      "With --all: every site not finished, or completed but changed on disk since (new, replaced or"
          + " removed PDFs). A site whose pipeline is running is left alone: there is never a second one.",
      "With --wait: shows each site's progress until every one has ended (as 'clerk watch' does) and exits"
          + " 0 when all completed with no failed document, 1 otherwise; Ctrl-C leaves the pipelines running."
    })
final class StartCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "SUBDOMAIN", description = "sites to start")
  List<String> subdomains = new ArrayList<>();

  @Option(names = "--all", description = "every registered site with work, completed or not")
  boolean all;

  @Option(names = "--wait", description = "show the sites' progress until they have ended; exit by outcome")
  boolean wait;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "with --wait: stop waiting after this long (90s, 15m, 1h30m), exit 1; the pipelines go on")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    if (timeout != null && !wait) {
      throw new CliException(2, "--timeout goes with --wait");
    }
    try (Services services = new Services(ClerkCli.settings())) {
      SiteStorage storage = services.storage();
      int[] unchanged = {0};
      List<String> targets = services.sites(subdomains, all, s -> {
        boolean work = hasWork(storage, s);
        unchanged[0] += work ? 0 : 1;
        return work;
      });
      Pipelines pipelines = services.pipelines();
      ProgressWatch watch = wait && !targets.isEmpty() ? ProgressWatch.onStdout(services) : null;
      Instant since = watch == null ? null : watch.databaseNow(targets);
      for (String s : targets) {
        boolean started = pipelines.start(s);
        System.out.println((started ? "started  " : "running  ") + s + "  "
            + services.settings().workflowLink(s));
      }
      if (targets.isEmpty()) {
        System.out.println("no sites to start");
      }
      if (unchanged[0] > 0) {
        System.out.println(unchanged[0] + (unchanged[0] == 1 ? " site has" : " sites have")
            + " no work: finished and unchanged on disk since");
      }
      return watch == null ? 0 : watch.watch(targets, since, timeout).exitCode();
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
