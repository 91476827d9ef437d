package clerk.cli;

import clerk.activities.db.SitePolls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the progress of the given sites, or of every site with work in progress, until they have ended.",
      "On a terminal a line per site is redrawn in place: stage, a bar, done/total, documents per second"
          + " and the stage's ETA. Elsewhere (a log, a pipe) a plain line is printed when a site's stage or"
          + " counts change, at most every 5 s a site. Exits 0 when every site completed with no failed"
          + " document, 1 when documents failed, a site failed or stopped (no pipeline runs) or the timeout"
          + " passed, 3 when the database or Temporal cannot be reached. Ctrl-C leaves the pipelines running."
    })
final class WatchCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "SUBDOMAIN",
      description = "sites to watch (default: every site in a stage with work, neither completed nor failed)")
  List<String> subdomains = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "stop watching after this long (90s, 15m, 1h30m), exit 1; the pipelines go on")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    try (Services services = new Services(ClerkCli.settings())) {
      ProgressWatch watch = ProgressWatch.onStdout(services);
      List<String> sites = subdomains.isEmpty()
          ? new SitePolls(services.repository().dataSource()).inProgress()
          : services.sites(subdomains, false, s -> true);
      if (sites.isEmpty()) {
        System.out.println("no site has work in progress");
        return 0;
      }
      return watch.watch(sites, null, timeout).exitCode();
    }
  }
}
