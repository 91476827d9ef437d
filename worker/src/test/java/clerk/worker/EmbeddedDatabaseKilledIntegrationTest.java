package clerk.worker;

import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SampleSites;
import clerk.workflows.Pipelines;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL's postmaster is killed with SIGKILL in the middle of a run. Nobody restarts
 * anything: the worker notices, starts the server again on the same data directory and port, its pool
 * reconnects, the pipeline waits the gap out, and the site ends exactly as a clean run leaves it. No
 * commit is lost (zonky's test defaults, fsync and synchronous commit off, lost the site's own row).
 */
class EmbeddedDatabaseKilledIntegrationTest {
  static final String SITE = "alameda.ca.us";
  static final String COMMITTED_LAST = "committed-last.example.org";

  @TempDir Path home;

  @Test
  void aKilledPostmasterIsStartedAgainAndTheRunCompletesWithNothingFailed() throws Exception {
    ClerkSettings settings = TestWorkers.embedded(home, "CLERK_RECONCILE_INTERVAL", "off");
    List<SampleDocument> samples = SampleSites.generate(settings.storageDir(), List.of(SITE));
    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      SiteRepository repository = worker.context().getBean(SiteRepository.class);
      WorkflowClient client = worker.context().getBean(WorkflowClient.class);
      repository.ensureSite(SITE, "Alameda, CA");
      assertThat(new Pipelines(client, settings.taskQueue()).start(SITE)).isTrue();
      int ocrAtKill = SiteFiles.awaitOcrCompleted(repository, SITE, 1, Duration.ofMinutes(2));

      // Committed the moment before the kill: a durable server still has it afterwards.
      repository.ensureSite(COMMITTED_LAST, "committed just before the kill");
      long killed = postmaster().orElseThrow();
      assertThat(ProcessHandle.of(killed).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
      assertThat(ocrAtKill).as("killed in the middle of the run").isLessThan(samples.size());

      DatabaseOutageIntegrationTest.awaitTrue("a new postmaster serving the same data directory",
          Duration.ofMinutes(2), () -> postmaster().filter(pid -> pid != killed)
              .flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false));
      // The new server replays its WAL before it accepts connections; the pool reconnects after that.
      DatabaseOutageIntegrationTest.awaitTrue("the worker's pool connected again", Duration.ofMinutes(1), () -> {
        try {
          repository.site(SITE);
          return true;
        } catch (clerk.activities.db.DatabaseException stillDown) {
          return false;
        }
      });
      assertThat(repository.site(COMMITTED_LAST)).as("a commit made just before the kill survives").isNotNull();
      SiteFiles.awaitCompleted(repository, SITE, Duration.ofMinutes(4));

      SiteFiles.assertMatchesDisk(worker.settings(), repository, SITE, samples);
      assertThat(repository.failedDocuments(SITE)).extracting(SiteRepository.FailedDocument::documentId)
          .as("only the corrupt sample failed")
          .containsExactlyElementsOf(samples.stream().filter(SampleDocument::corrupt).map(d -> d.ref().id()).toList());
      assertThat(worker.context().isActive()).as("the worker is still up").isTrue();
    }
  }

  /** The pid in the data directory's postmaster.pid, if there is one. */
  Optional<Long> postmaster() throws Exception {
    Path pidFile = home.resolve("postgres").resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
  }
}
