package clerk.worker;

import clerk.client.RuntimeFile;
import clerk.client.EmbeddedDatabase;
import clerk.client.PasswordFile;
import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

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
      try (HikariDataSource db = TestWorkers.connect(running)) {
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

  /**
   * SIGKILL while the start-up reconciliation holds its lease: the lease's holder is gone with the
   * embedded Temporal server, so the next start-up reconciliation takes it over at once and acts
   * (nothing skipped), and every site completes.
   */
  @Test
  void aWorkerKilledDuringItsStartupReconciliationBlocksNothing() throws Exception {
    int dbPort = TestWorkers.freePort();
    Map<String, String> env = Map.of(
        "CLERK_HOME", home.toString(),
        "CLERK_EMBEDDED_DATABASE_PORT", String.valueOf(dbPort),
        "CLERK_EMBEDDED_TEMPORAL_PORT", String.valueOf(TestWorkers.freePort()),
        "CLERK_HTTP_PORT", "0",
        "CLERK_RECONCILE_INTERVAL", "off");
    ClerkSettings settings = ClerkSettings.from(env);
    List<String> sites = java.util.stream.IntStream.range(0, 24)
        .mapToObj(i -> String.format("town%02d.example.org", i)).toList();
    for (String site : sites) {
      Path pdf = settings.storageDir().resolve(site).resolve("pdfs/CityCouncil/2024-01-16.pdf");
      java.nio.file.Files.createDirectories(pdf.getParent());
      clerk.activities.sample.SamplePdfs.write(pdf, List.of(new clerk.activities.sample.SamplePdfs.SamplePage(
          clerk.activities.sample.SamplePdfs.Style.DIGITAL, List.of("MINUTES", "Moved by Mayor Ash. Carried."))), 3);
    }

    // A first worker registers the sites (none started), and dies.
    Process first = startWorkerJvm(env, home.resolve("first-worker.log"));
    try {
      RuntimeFile.Worker running = awaitRuntimeFile(settings, first);
      try (HikariDataSource db = TestWorkers.connect(running)) {
        SiteRepository repository = new SiteRepository(db);
        sites.forEach(site -> repository.ensureSite(site, ""));
      }
    } finally {
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    // The second one finds them all at its start-up reconciliation and is killed in the middle of it.
    Process second = startWorkerJvm(env, home.resolve("second-worker.log"));
    long killedRun;
    try {
      killedRun = awaitRunningStartupReconciliation(settings, dbPort, second);
    } finally {
      second.destroyForcibly();
      assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      SiteRepository repository = worker.context().getBean(SiteRepository.class);
      try (Connection c = repository.dataSource().getConnection(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT id, status, errors::text, sites_restarted FROM reconciliation_runs"
              + " WHERE id >= " + killedRun + " ORDER BY id")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(2)).isEqualTo("abandoned");
        assertThat(r.getString(3)).contains("is no longer running");
        assertThat(r.next()).as("the next start-up reconciliation ran").isTrue();
        assertThat(r.getString(2)).isEqualTo("success");
        assertThat(r.getInt(4)).as("and acted: it restarted sites").isPositive();
      }
      for (String site : sites) {
        SiteFiles.awaitCompleted(repository, site, Duration.ofMinutes(3));
        assertThat(repository.site(site).counters()).allSatisfy(c -> assertThat(c.completed()).isEqualTo(1));
      }
    }
  }

  /** Polls the child's database until its start-up reconciliation holds the lease; returns the run id. */
  static long awaitRunningStartupReconciliation(ClerkSettings settings, int dbPort, Process child) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres";
    String password = PasswordFile.read(EmbeddedDatabase.passwordFile(settings.home()));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (!child.isAlive()) {
        throw new AssertionError("the worker JVM exited with " + child.exitValue());
      }
      try (Connection c = java.sql.DriverManager.getConnection(url, EmbeddedDatabase.USER, password);
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT id FROM reconciliation_runs WHERE status = 'running'"
              + " AND trigger = 'startup' AND NOT dry_run")) {
        if (r.next()) {
          return r.getLong(1);
        }
      } catch (java.sql.SQLException starting) {
        // the child's PostgreSQL is not up yet (or the table is not there yet)
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the start-up reconciliation was never seen running");
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
