package clerk.worker;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.Database;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SampleSites;
import clerk.workflows.Pipelines;
import clerk.workflows.Stage;
import com.zaxxer.hikari.HikariDataSource;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker, with its embedded PostgreSQL and Temporal, runs in a separate JVM and is killed with
 * SIGKILL in the middle of OCR: Temporal's state is lost with it, a text folder may be half-written,
 * and its PostgreSQL server is left running. A new worker on the same CLERK_HOME must stop that
 * server, and its start-up reconciliation must restart every unfinished site from the filesystem and
 * the database, so that every document ends processed exactly once.
 */
class WorkerKilledIntegrationTest {
  static final List<String> SITES = List.of("alameda.ca.us", "springfield.il.us");

  @TempDir Path home;

  @Test
  void aKilledWorkerLosesNothingAndEverySiteCompletesAfterRestart() throws Exception {
    Map<String, String> env = Map.of(
        "CLERK_HOME", home.toString(),
        "CLERK_EMBEDDED_DATABASE_PORT", String.valueOf(TestWorkers.freePort()),
        "CLERK_EMBEDDED_TEMPORAL_PORT", String.valueOf(TestWorkers.freePort()),
        "CLERK_HTTP_PORT", "0",
        "CLERK_RECONCILE_INTERVAL", "off");
    ClerkSettings settings = ClerkSettings.from(env);
    List<SampleDocument> samples = SampleSites.generate(settings.storageDir(), SITES);

    Process child = startWorkerJvm(env, home.resolve("killed-worker.log"));
    int ocrAtKill;
    try {
      RuntimeFile.Worker running = awaitRuntimeFile(settings, child);
      try (HikariDataSource db = Database.connect(running.databaseUrl(), null, null, 2)) {
        SiteRepository repository = new SiteRepository(db);
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(running.temporalAddress()).build());
        try {
          Pipelines pipelines = new Pipelines(WorkflowClient.newInstance(stubs,
              WorkflowClientOptions.newBuilder().setNamespace(running.namespace()).build()), settings.taskQueue());
          for (String site : SITES) {
            repository.ensureSite(site, "");
            assertThat(pipelines.start(site)).isTrue();
          }
          ocrAtKill = SiteFiles.awaitOcrCompleted(repository, SITES.get(0), 1, Duration.ofMinutes(2));
        } finally {
          stubs.shutdownNow();
        }
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no draining
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    int documents = (int) samples.stream().filter(d -> d.subdomain().equals(SITES.get(0))).count();
    assertThat(ocrAtKill).as("killed in the middle of OCR").isLessThan(documents);

    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      SiteRepository repository = worker.context().getBean(SiteRepository.class);
      for (String site : SITES) {
        SiteFiles.awaitCompleted(repository, site, Duration.ofMinutes(4));
        SiteFiles.assertMatchesDisk(worker.settings(), repository, site, samples);
      }
      try (Connection c = repository.dataSource().getConnection(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT trigger, sites_examined, sites_restarted FROM reconciliation_runs"
              + " ORDER BY id DESC LIMIT 1")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("startup");
        assertThat(r.getInt(2)).isEqualTo(SITES.size());
        assertThat(r.getInt(3)).as("every unfinished site restarted").isEqualTo(SITES.size());
      }
      for (String site : SITES) {
        SiteRow row = repository.site(site);
        assertThat(row.currentStage()).isEqualTo(Stage.COMPLETED);
      }
    }
  }

  static Process startWorkerJvm(Map<String, String> env, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ClerkWorkerApplication.class.getName());
    builder.environment().putAll(env);
    builder.environment().put("OMP_THREAD_LIMIT", "1");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  static RuntimeFile.Worker awaitRuntimeFile(ClerkSettings settings, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      Optional<RuntimeFile.Worker> worker = RuntimeFile.running(settings);
      if (worker.isPresent() && worker.get().pid() == child.pid()) {
        return worker.get();
      }
      if (!child.isAlive()) {
        throw new AssertionError("the worker JVM exited with " + child.exitValue() + ": see "
            + settings.home().resolve("killed-worker.log"));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the worker JVM did not become ready");
  }
}
