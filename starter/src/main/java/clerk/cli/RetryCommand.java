package clerk.cli;

import clerk.activities.db.SiteRepository;
import clerk.workflows.Pipelines;
import clerk.workflows.Stage;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    description = {
      "Sends failed documents back to the stage they failed, once what made them fail is fixed.",
      "Signals (or starts) the site's pipeline; counters stay exact. A failed document whose PDF is"
          + " replaced on disk needs no retry: reconciliation runs it again on its own."
    })
final class RetryCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "SUBDOMAIN", description = "sites whose failed documents to retry")
  List<String> subdomains = new ArrayList<>();

  @Option(names = "--all", description = "every site with failed documents")
  boolean all;

  @Option(names = "--stage", paramLabel = "STAGE",
      description = "only documents that failed this stage: ocr, compilation, extraction or deploy")
  String stage;

  @Option(names = "--document", paramLabel = "ID",
      description = "only this document, e.g. minutes/CityCouncil/2024-01-15 (one site)")
  String document;

  @Override
  public Integer call() {
    if (document != null && subdomains.size() != 1) {
      throw new CliException(2, "--document needs exactly one site");
    }
    Stage only = stage == null ? null : parseStage(stage);
    try (Services services = new Services(ClerkCli.settings())) {
      SiteRepository repository = services.repository();
      // Temporal first: nothing is changed when the pipelines cannot be told.
      Pipelines pipelines = services.pipelines();
      List<String> targets = services.sites(subdomains, all,
          s -> s.counters().stream().anyMatch(c -> c.failed() > 0));
      int total = 0;
      for (String site : targets) {
        int retried = repository.retryFailed(site, only, document);
        total += retried;
        if (retried == 0) {
          System.out.println("nothing to retry  " + site);
          continue;
        }
        String what = retried + " failed " + (retried == 1 ? "document" : "documents")
            + (only == null ? "" : " of " + only.dbName());
        try {
          boolean started = pipelines.resume(site, "retry: " + what + " sent back by an operator");
          System.out.println("retried  " + site + "  " + what + ", pipeline " + (started ? "started" : "signalled")
              + "  " + services.settings().workflowLink(site));
        } catch (StatusRuntimeException e) {
          throw new CliException(3, site + ": " + what + " sent back, but Temporal cannot be reached ("
              + e.getStatus().getCode() + "): the next reconciliation starts the pipeline");
        }
      }
      if (document != null && total == 0) {
        throw new CliException(4, "no failed document " + document + (only == null ? "" : " in " + only.dbName())
            + " in " + subdomains.get(0) + " (see 'clerk status " + subdomains.get(0) + "')");
      }
      if (targets.isEmpty()) {
        System.out.println("no site has failed documents");
      }
      return 0;
    }
  }

  private static Stage parseStage(String name) {
    for (Stage s : Stage.PIPELINE) {
      if (s.dbName().equals(name)) {
        return s;
      }
    }
    throw new CliException(2, "unknown stage " + name + ": ocr, compilation, extraction or deploy");
  }
}
