package clerk.worker;

import clerk.client.Reconciliations;
import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.reconcile.SiteReconciler;
import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SampleSites;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.Pipelines;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.SitePipelineWorkflow;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every writer takes a site's row before its documents: imports (the repair `clerk sites import`
 * runs, here while text folders vanish, so each sends documents back that stages are working on) and
 * reconciliation runs in a loop while two pipelines work on their sites never deadlock, and the sites
 * end exactly as one clean run leaves them.
 */
class ConcurrentRepairIntegrationTest {
  static final List<String> SITES = List.of("alameda.ca.us", "springfield.il.us");

  @TempDir Path home;

  @Test
  void importAndReconcileInALoopWhilePipelinesRunNeverDeadlock() throws Exception {
    ClerkSettings settings = TestWorkers.embedded(home, "CLERK_RECONCILE_INTERVAL", "off");
    List<SampleDocument> samples = SampleSites.generate(settings.storageDir(), SITES);
    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      SiteRepository repository = worker.context().getBean(SiteRepository.class);
      WorkflowClient client = worker.context().getBean(WorkflowClient.class);
      Reconciliations reconciliations = new Reconciliations(client, worker.settings());
      SiteReconciler importer = new SiteReconciler(new SiteStorage(settings.storageDir()), repository,
          settings.deployDir());
      Pipelines pipelines = new Pipelines(client, settings.taskQueue());
      for (String site : SITES) {
        repository.ensureSite(site, "");
        pipelines.start(site);
      }

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger imports = new AtomicInteger();
      AtomicInteger runs = new AtomicInteger();
      List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
      // Text vanishing under the pipelines: each repair sends documents back that stages are working on.
      List<SampleDocument> good = samples.stream().filter(d -> !d.corrupt()).toList();
      SiteStorage storage = new SiteStorage(settings.storageDir());
      CompletableFuture<Void> importing = CompletableFuture.runAsync(() -> {
        for (int round = 0; !stop.get(); round++) {
          for (String site : SITES) {
            try {
              if (round < 40) {
                storage.removeText(good.get(round % good.size()).ref());
              }
              importer.repair(site, false, true, null);
              imports.incrementAndGet();
            } catch (RuntimeException | java.io.IOException e) {
              errors.add(e);
            }
          }
        }
      });
      CompletableFuture<Void> reconciling = CompletableFuture.runAsync(() -> {
        while (!stop.get()) {
          try {
            String status = reconciliations.run(new ReconciliationRequest("cli", 120, false, null)).status();
            if (!status.equals("success")) {
              errors.add(new AssertionError("reconciliation ended " + status));
            }
            runs.incrementAndGet();
          } catch (RuntimeException e) {
            errors.add(e);
          }
        }
      });
      try {
        for (String site : SITES) {
          // A repair may restart a pipeline that just finished: wait for the site to settle.
          SiteFiles.awaitCompleted(repository, site, Duration.ofMinutes(4));
          client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(site))
              .getResult(4, TimeUnit.MINUTES, Object.class);
        }
      } finally {
        stop.set(true);
        importing.get(2, TimeUnit.MINUTES);
        reconciling.get(2, TimeUnit.MINUTES);
      }

      assertThat(errors).as("no failed repair").isEmpty();
      Thread.sleep(1500); // backends report their statistics at least every second
      assertThat(PipelineIntegrationTest.count(repository.dataSource(),
          "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))
          .as("deadlocks PostgreSQL detected, in any transaction (activities' included)").isZero();
      assertThat(imports.get()).isGreaterThan(10);
      assertThat(runs.get()).isPositive();
      for (String site : SITES) {
        // The last repair may have set a pipeline going again: let it end.
        client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(site)).getResult(2, TimeUnit.MINUTES, Object.class);
        SiteFiles.awaitCompleted(repository, site, Duration.ofMinutes(2));
        SiteFiles.assertMatchesDisk(worker.settings(), repository, site, samples);
      }
    }
  }
}
